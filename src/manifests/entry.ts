// What normalisation produces for one manifest, before cross-object checks.
import type { FederatedObject } from '../model/federation.js';
import type { Problem } from '../model/problem.js';
import type { Facts } from './parts.js';
import type { Spot } from './problems.js';

export type Entry = {
  object: FederatedObject;
  spot: Spot;
  facts: Facts;
  /** True when the manifest itself set replica preferences (then a ReplicaSchedulingPreference conflicts). */
  explicitScheduling: boolean;
};

export type NormaliseContext = { clusters: ReadonlySet<string>; problems: Problem[] };
