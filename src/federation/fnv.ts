// FNV-1 32-bit (not FNV-1a), as Go's hash/fnv.New32: the replica planner's stable tie-break.

const OFFSET_BASIS = 2166136261;
const PRIME = 16777619;
const utf8 = new TextEncoder();

/** FNV-1 32-bit hash of the UTF-8 bytes of `text`, as an unsigned integer. */
export function fnv1_32(text: string): number {
  let hash = OFFSET_BASIS;
  for (const byte of utf8.encode(text)) {
    hash = Math.imul(hash, PRIME) >>> 0;
    hash = (hash ^ byte) >>> 0;
  }
  return hash;
}
