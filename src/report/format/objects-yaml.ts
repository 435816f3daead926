// Objects as multi-document YAML (what `fedsync render` prints), Secret values masked.
import { dump } from 'js-yaml';
import type { KubeObject } from '../../model/index.js';
import { maskObject } from '../../plan/mask.js';

export function formatObjectsYaml(objects: KubeObject[]): string {
  return objects.map((o) => dump(maskObject(o), { noRefs: true, lineWidth: -1 })).join('---\n');
}
