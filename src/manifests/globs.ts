// Name patterns of the tenancy policy: `*` matches any run of characters, everything else itself.

const escape = (s: string): string => s.replace(/[.+?^${}()|[\]\\/]/g, '\\$&');

export function globMatches(pattern: string, text: string): boolean {
  return new RegExp(`^${pattern.split('*').map(escape).join('.*')}$`, 's').test(text);
}

/**
 * True when every name `inner` matches is matched by `outer`. Each `*` of `inner` is read as one
 * symbol no literal of `outer` can match, so only a `*` of `outer` covers it: exact for literals, and
 * never true when it should be false (a pattern pair it cannot decide counts as not covered).
 */
export function globCovers(outer: string, inner: string): boolean {
  const text = inner.split('*').join('\u0000');
  return new RegExp(`^${outer.split('*').map(escape).join('.*')}$`, 's').test(text);
}

/**
 * Patterns matching (a subset of) what both lists match: each pattern of one list that a pattern of
 * the other covers. Never more than the true intersection, so a policy built from it is never looser
 * than either side. Patterns another result covers are dropped.
 */
export function intersectGlobs(a: readonly string[], b: readonly string[]): string[] {
  const kept = [
    ...a.filter((p) => b.some((q) => globCovers(q, p))),
    ...b.filter((q) => a.some((p) => globCovers(p, q))),
  ];
  const unique = [...new Set(kept)];
  // Of two patterns that cover each other (`a*`, `a**`) the first stays.
  return unique.filter(
    (p, i) => !unique.some((q, j) => j !== i && globCovers(q, p) && (j < i || !globCovers(p, q))),
  );
}
