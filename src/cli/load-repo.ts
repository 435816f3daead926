// PLACEHOLDER, wired at merge: loads a FederationRepo from a repository path or URL at a ref.
// The manifests loader lives on the `source` branch; the lead connects it here, e.g.
//   const { revision, result } = await readFederation({ repo, ...(ref ? { ref } : {}) });
//   return { ...result, revision };
// Until then every command that needs it fails loudly instead of pretending.
import type { FederationRepo, Result, Revision } from '../model/index.js';

/** The validated repository, plus the commit it was read at when the loader knows it. */
export type LoadedRepo = Result<FederationRepo> & { revision?: Revision };

export type LoadRepo = (repo: string, ref: string | undefined) => Promise<LoadedRepo>;

export const loadRepo: LoadRepo = (repo) =>
  Promise.reject(
    new Error(`not wired: cannot load ${repo} yet (the repository loader is connected at merge)`),
  );
