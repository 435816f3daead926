// Public surface of the source module: reading the federation repository.
export type {
  FetchTimeouts,
  GitSource,
  SourceFile,
  RevisionFiles,
  SourceLimits,
  SourceStats,
} from './port.js';
export { defaultFetchTimeouts, defaultSourceLimits } from './port.js';
export { SourceError, SourceErrorCode } from './errors.js';
export { openGitSource, DEFAULT_TOKEN_ENV } from './isomorphic-git.js';
export type { GitSourceOptions, GitAuth } from './isomorphic-git.js';
export { openDirectorySource } from './directory.js';
export { openSource, readFederation, readFederationAt, readPolicyFile } from './read-federation.js';
export type { FederationRead, OpenSourceOptions } from './read-federation.js';
export { parseRepoLocation, displayUrl } from './location.js';
