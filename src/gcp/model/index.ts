// The pure model of the Google Cloud load balancer: names, the desired-state translator, the diff
// into ordered steps, draining and the write-back to member Ingresses. No I/O, no clock.
export * from './names.js';
export * from './resources.js';
export * from './input.js';
export * from './design.js';
export * from './steps.js';
export { normalizeObserved, cleanJson } from './observed.js';
export { desiredLoadBalancer } from './translate.js';
export { diffLoadBalancer, type LoadBalancerDiff } from './diff.js';
export { ownedChanges, canonicalBody, OWNED_FIELDS, IMMUTABLE_FIELDS } from './compare.js';
export { orderSteps } from './order.js';
export * from './drain.js';
export { DIGESTED_KINDS, judgeDrift, specDigest, withSpecDigests } from './drift.js';
export * from './write-back.js';
export { planLoadBalancer, type LoadBalancerPlanData } from './plan.js';
export { LB_LIMITS, QUOTA_METRIC, checkQuotas } from './limits.js';
export { gclbPaths, urlMapRules } from './url-map.js';
export { healthCheckPath } from './health-path.js';
export { readTlsSecret, certificateDigest, type CertificateMaterial } from './tls.js';
export { instancesFromNodes, commonNetworkTags, withNetworkTags } from './instances.js';
export { HEALTH_CHECK_RANGES } from './backends.js';
export { loadBalancerInputFrom, nodeFactsOf, type ClusterNodeFacts } from './from-repo.js';
export { observeNeeds, type ObserveNeeds } from './scope.js';
export { loadBalancerView } from './view.js';
