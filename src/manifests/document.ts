// A YAML document that has passed the checks every object gets (apiVersion, kind, metadata.name).
import { refOf, subject } from '../model/kube.js';
import type { KubeObject } from '../model/kube.js';
import type { Problem } from '../model/problem.js';
import { check, problemAt } from './problems.js';
import type { Spot } from './problems.js';
import { anyObjectSchema } from './schemas.js';
import type { YamlDocument } from './yaml.js';

export type ObjectDoc = { doc: YamlDocument; obj: KubeObject; spot: Spot };

export function asObjectDoc(doc: YamlDocument, problems: Problem[]): ObjectDoc | undefined {
  const value = doc.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push(
      problemAt(
        { doc },
        [],
        'schema.notAnObject',
        'document is not a Kubernetes object (expected a mapping)',
      ),
    );
    return undefined;
  }
  const raw = value as Record<string, unknown>;
  const meta = raw.metadata as { name?: unknown } | undefined;
  const label =
    typeof raw.kind === 'string' && typeof meta?.name === 'string' ? `${raw.kind}/${meta.name}` : undefined;
  const obj = check(
    anyObjectSchema,
    value,
    label ? { doc, object: label } : { doc },
    [],
    'a Kubernetes object',
    problems,
  );
  if (!obj) return undefined;
  const kube = obj;
  return { doc, obj: kube, spot: { doc, object: subject(refOf(kube)) } };
}
