// PLACEHOLDER, wired at merge: loads a FederationRepo from a repository path or URL at a ref.
// The manifests loader lives on the `source` branch; the lead connects it here. Until then every
// command that needs it fails loudly instead of pretending.
import type { FederationRepo, Result } from '../model/index.js';

export type LoadRepo = (repo: string, ref: string | undefined) => Promise<Result<FederationRepo>>;

export const loadRepo: LoadRepo = (repo) =>
  Promise.reject(
    new Error(`not wired: cannot load ${repo} yet (the repository loader is connected at merge)`),
  );
