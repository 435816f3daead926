// How the agent reads its repository: the source's newest revision, parsed through one parse cache
// kept across reads (unchanged blobs are not parsed again), with the revision attached.
import { createParseCache } from '../src/manifests/load.js';
import type { LoadedRepo } from '../src/source/load-repo.js';
import { readFederationAt, type openSource } from '../src/source/read-federation.js';

export function repoReader(source: Awaited<ReturnType<typeof openSource>>): () => Promise<LoadedRepo> {
  const cache = createParseCache();
  return async () => {
    const { revision, result } = await readFederationAt(source, { cache });
    return { ...result, revision };
  };
}
