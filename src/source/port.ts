// The GitSource port: what the rest of fedsync needs from the federation repository.
import type { Problem } from '../model/problem.js';
import type { Revision } from '../model/revision.js';

/** One file of a revision; `oid` is the Git blob id (a content hash for plain directories). */
export type SourceFile = { path: string; oid: string; text: string };

/** Files of a revision plus per-file problems (oversized, symlink out of the repo, not UTF-8). */
export type RevisionFiles = { files: SourceFile[]; problems: Problem[] };

export type SourceStats = { fetches: number; blobsRead: number };

export type GitSource = {
  /** Fetches when remote, resolves `ref` (branch, tag, SHA; default the remote's HEAD) to a commit. */
  latestRevision(ref?: string): Promise<Revision>;
  /** Reads the tree at a revision without a checkout; blob contents are cached by blob id. */
  readFiles(revision: Revision): Promise<RevisionFiles>;
  /** Counters for tests and metrics. */
  readonly stats: SourceStats;
  /** Human description of where the repository is (URL without credentials, or path). */
  readonly description: string;
};

export type SourceLimits = {
  /** Most bytes a server may send for one fetch. */
  maxPackBytes: number;
  /** Most files (after filtering) a revision may have. */
  maxFiles: number;
  /** Largest file read. */
  maxFileBytes: number;
};

export const defaultSourceLimits: SourceLimits = {
  maxPackBytes: 200 * 1024 * 1024,
  maxFiles: 20_000,
  maxFileBytes: 1024 * 1024,
};
