// Commit statuses: the provider for a configured forge, and the publisher that posts only changes.
import type { ForgeConfig } from './config.js';
import { createGitHubProvider } from './github.js';
import type { ProviderOptions } from './github.js';
import { createGitLabProvider } from './gitlab.js';
import type { CommitStatusProvider } from './port.js';

export function createCommitStatusProvider(
  config: ForgeConfig,
  options: ProviderOptions = {},
): Promise<CommitStatusProvider> {
  return config.forge === 'gitlab'
    ? createGitLabProvider(config, options)
    : createGitHubProvider(config, options);
}

export type { ProviderOptions } from './github.js';
export { forgeConfigFrom, forgeConfigFromEnv, DEFAULT_FORGE_TOKEN_ENV } from './config.js';
export type { ForgeConfig } from './config.js';
export { Forge, ForgeError, ForgeErrorCode } from './port.js';
export type { CommitStatusProvider, PostedStatus, RateLimit, StatusToPost } from './port.js';
export { createCommitStatusPublisher } from './publisher.js';
export { createLazyCommitStatusProvider } from './lazy.js';
export type { CommitStatusPublisher, PublishStatusesResult, StatusEvent } from './publisher.js';
