// Loads and validates the federation repository at a ref for the commands that need it.
import type { FederationRepo, Result, Revision } from '../model/index.js';
import { readFederation } from '../source/read-federation.js';

/** The validated repository, plus the commit it was read at. */
export type LoadedRepo = Result<FederationRepo> & { revision?: Revision };

export type LoadRepo = (repo: string, ref: string | undefined) => Promise<LoadedRepo>;

export const loadRepo: LoadRepo = async (repo, ref) => {
  const { revision, result } = await readFederation({
    repo,
    cacheDir: '.fedsync/cache/git',
    ...(ref ? { ref } : {}),
  });
  return { ...result, revision };
};
