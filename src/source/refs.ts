// What `ref` may be: a branch, a tag, a full commit SHA (or an abbreviated one already fetched),
// HEAD, or a full ref name. Revision syntax (`HEAD~1`, `main^`, `@{yesterday}`, `a..b`, `rev:path`)
// is refused up front with what is supported: isomorphic-git does not evaluate it and would answer
// "not found", which sends a person looking for a ref that was never meant to exist.
import { SourceError, SourceErrorCode } from './errors.js';

const SUPPORTED = 'name a branch, a tag, a full commit SHA, or a full ref (refs/heads/…, refs/tags/…)';

const REVISION_SYNTAX: readonly (readonly [RegExp, string])[] = [
  [/~/, '~'],
  [/\^/, '^'],
  [/@\{/, '@{…}'],
  [/\.\./, '..'],
  [/:/, ':'],
];

/** Throws SourceError `source.invalidRef` unless `ref` is a name fedsync can resolve. */
export function checkRef(ref: string): void {
  for (const [pattern, what] of REVISION_SYNTAX) {
    if (pattern.test(ref)) {
      throw new SourceError(
        SourceErrorCode.invalidRef,
        `ref ${JSON.stringify(ref)} uses revision syntax (${what}), which is not supported; ${SUPPORTED}`,
      );
    }
  }
  // git check-ref-format's other rules: nothing Git could store as a ref name.
  const part = ref.split('/');
  const bad =
    ref === '' ||
    ref === '@' ||
    ref.startsWith('-') ||
    /[\s?*[\\]/.test(ref) ||
    [...ref].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f) ||
    ref.endsWith('/') ||
    ref.endsWith('.') ||
    part.some((p) => p === '' || p.startsWith('.') || p.endsWith('.lock'));
  if (bad) {
    throw new SourceError(
      SourceErrorCode.invalidRef,
      `ref ${JSON.stringify(ref)} is not a valid Git ref name; ${SUPPORTED}`,
    );
  }
}
