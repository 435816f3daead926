// A provider made on first use, and made again after the forge refused its token: the token is read
// when statuses are first posted, not when the agent starts, so a missing token fails the statuses
// (each failure logged and counted) but never the agent, and a rotated token needs no restart.
import type { CommitState } from '../../format/commit-statuses.js';
import type { ForgeConfig } from './config.js';
import { createGitHubProvider } from './github.js';
import type { ProviderOptions } from './github.js';
import { createGitLabProvider } from './gitlab.js';
import { ForgeError, ForgeErrorCode } from './port.js';
import type { CommitStatusProvider } from './port.js';

export function createLazyCommitStatusProvider(
  config: ForgeConfig,
  options: ProviderOptions = {},
): CommitStatusProvider {
  let made: Promise<CommitStatusProvider> | undefined;
  let current: CommitStatusProvider | undefined;

  const provider = async (): Promise<CommitStatusProvider> => {
    made ??= (config.forge === 'gitlab' ? createGitLabProvider : createGitHubProvider)(config, options);
    try {
      current = await made;
      return current;
    } catch (err) {
      made = undefined;
      throw err instanceof ForgeError ? err : new ForgeError(ForgeErrorCode.config, String(err));
    }
  };

  const call = async <T>(work: (p: CommitStatusProvider) => Promise<T>): Promise<T> => {
    const p = await provider();
    try {
      return await work(p);
    } catch (err) {
      // A refused token may have been rotated since: read it again next time.
      if (err instanceof ForgeError && err.code === ForgeErrorCode.auth) made = current = undefined;
      throw err;
    }
  };

  return {
    forge: config.forge,
    // The publisher asks only after a list or post went through, so `current` is there.
    forgeState: (state: CommitState) => current?.forgeState(state) ?? state,
    list: (sha) => call((p) => p.list(sha)),
    post: (sha, status) => call((p) => p.post(sha, status)),
    fileUrl: (commit, path) => current?.fileUrl(commit, path),
  };
}
