// The apiVersion to address an object by when only its group is known (a delete whose live copy
// was not observed). Live objects carry their own apiVersion; this is the fallback.
import type { ObjectRef } from '../model/index.js';

const PREFERRED: Record<string, string> = {
  '': 'v1',
  apps: 'apps/v1',
  batch: 'batch/v1',
  'networking.k8s.io': 'networking.k8s.io/v1',
  'rbac.authorization.k8s.io': 'rbac.authorization.k8s.io/v1',
  policy: 'policy/v1',
  autoscaling: 'autoscaling/v2',
  'storage.k8s.io': 'storage.k8s.io/v1',
  'scheduling.k8s.io': 'scheduling.k8s.io/v1',
  'apiextensions.k8s.io': 'apiextensions.k8s.io/v1',
  'discovery.k8s.io': 'discovery.k8s.io/v1',
};

export function apiVersionFor(ref: Pick<ObjectRef, 'group'>): string | undefined {
  return PREFERRED[ref.group];
}
