// Public surface of the manifests module (pure): load, validate and normalise a federation repository.
export { loadFederation, createParseCache, fileRole, sortProblems } from './load.js';
export type { RepoFile, ParseCache, LoadOptions, FileRole } from './load.js';
export { defaultManifestLimits } from './limits.js';
export type { ManifestLimits } from './limits.js';
export { parseYamlFile } from './yaml.js';
export type { YamlDocument, ParsedFile } from './yaml.js';
export { parseLabelSelectorString, parseV1ClusterSelector, parseClusterNames } from './selectors.js';
export { DEFAULT_FEDERATION_NAME } from './federation-settings.js';
export { duplicateServers, normaliseServer } from './servers.js';
export type { DuplicateServer } from './servers.js';
export { combineTenancy, DEFAULT_TENANCY, readOperatorPolicy, tenancyLayer } from './tenancy.js';
export type { OperatorPolicyFile } from './tenancy.js';
export { describeTenancy } from './tenancy-text.js';
