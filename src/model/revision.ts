// A commit of the federation repository, as the source read it and as plans and results name it.

export type Revision = {
  sha: string;
  ref?: string;
  /** The first parent's SHA; approvals by commit need it (undefined for a root or a plain directory). */
  parent?: string;
  author?: string;
  message?: string;
  /** Paths changed against the parent; undefined when unknown (shallow history, plain directory). */
  changedPaths?: string[];
};
