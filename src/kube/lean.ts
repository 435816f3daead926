// What the watch cache keeps of a live object. Most of an object's heap is metadata.managedFields,
// and of that almost all is the fieldsV1 sets of other field managers, which fedsync never reads:
// the diff reads only the set of its own Apply entry (what it owns, so a field removed from Git is
// removed), and the drift judge reads each entry's manager, operation, subresource and time. This
// is client-go's informer transform idea, limited to what is provably unread. Cached objects are
// never written back (apply sends the desired object), so a thinned entry never reaches a server.
import { FIELD_MANAGER, type KubeObject } from '../model/index.js';

type Entry = Record<string, unknown>;

const keepsFieldSet = (e: Entry): boolean => e.manager === FIELD_MANAGER && e.operation === 'Apply';

/** The object with the fieldsV1 of every managedFields entry that is not fedsync's Apply removed. */
export function leanObject(object: KubeObject): KubeObject {
  const entries = object.metadata.managedFields;
  if (!Array.isArray(entries)) return object;
  const thin = (entries as Entry[]).some((e) => 'fieldsV1' in e && !keepsFieldSet(e));
  if (!thin) return object;
  const managedFields = (entries as Entry[]).map((e) => {
    if (keepsFieldSet(e) || !('fieldsV1' in e)) return e;
    const { fieldsV1: _dropped, ...rest } = e;
    return rest;
  });
  return { ...object, metadata: { ...object.metadata, managedFields } };
}
