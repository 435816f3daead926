// Deleting one object fedsync manages: addressed by the live copy's apiVersion when it was observed,
// else by the group's preferred version; propagation Background (the server deletes dependents).
import type { KubeObject, ObjectRef } from '../model/index.js';
import { apiVersionFor } from './api-versions.js';
import type { ClusterClient } from './port.js';

/** Thrown when no apiVersion is known for the object's group (nothing was sent). */
export class UnknownApiVersionError extends Error {
  readonly code = 'apply.unknownApiVersion';
  constructor(group: string) {
    super(`no apiVersion known for ${group}`);
    this.name = 'UnknownApiVersionError';
  }
}

/** Deletes `ref`; 'absent' when it was already gone. Throws KubeError or UnknownApiVersionError. */
export async function deleteObject(
  client: ClusterClient,
  ref: ObjectRef,
  live: KubeObject | undefined,
): Promise<'deleted' | 'absent'> {
  const apiVersion = live?.apiVersion ?? apiVersionFor(ref);
  if (!apiVersion) throw new UnknownApiVersionError(ref.group);
  return client.remove({ ...ref, apiVersion });
}
