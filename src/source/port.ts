// The GitSource port: what the rest of fedsync needs from the federation repository.
import type { Problem } from '../model/problem.js';
import type { Revision } from '../model/federation.js';

/** One file of a revision; `oid` is the Git blob id (a content hash for plain directories). */
export type SourceFile = { path: string; oid: string; text: string };

/** Files of a revision plus per-file problems (oversized, symlink out of the repo, not UTF-8). */
export type RevisionFiles = { files: SourceFile[]; problems: Problem[] };

export type SourceStats = {
  fetches: number;
  blobsRead: number;
  /** The client of the last fetch of a remote: the git binary or isomorphic-git. */
  fetchedWith?: 'git' | 'isomorphic-git';
};

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

/** Time limits of one fetch or clone from a remote repository. */
export type FetchTimeouts = {
  /** The whole fetch, every request of it together. */
  totalMs: number;
  /** Longest wait for the next byte of one request. */
  idleMs: number;
  /** A request that averages fewer bytes per second than this over a whole window ends (0: off). */
  lowSpeedBytesPerSecond: number;
  lowSpeedWindowMs: number;
};

export const defaultFetchTimeouts: FetchTimeouts = {
  totalMs: 120_000,
  idleMs: 60_000,
  lowSpeedBytesPerSecond: 1024,
  lowSpeedWindowMs: 30_000,
};
