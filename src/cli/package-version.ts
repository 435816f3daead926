// The version of fedsync, from package.json. A JSON import rather than a file read, so the compiled
// CLI (a bundle in dist/) carries it and needs no package.json beside it.
import pkg from '../../package.json' with { type: 'json' };

export function fedsyncVersion(): string {
  return pkg.version;
}
