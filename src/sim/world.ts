// The world file: which simulated clusters (and, later, which simulated Google Cloud project) to run.
import { readFile } from 'node:fs/promises';
import { load } from 'js-yaml';
import { z } from 'zod';

const nodeSchema = z.strictObject({
  name: z.string().regex(/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/),
  /** Defaults to the cluster's zone. */
  zone: z.string().optional(),
  /** Pods this node can run; the cluster's capacity is the sum unless `capacity` is set. */
  pods: z.number().int().min(0).optional(),
});

const clusterSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/),
  region: z.string(),
  zone: z.string(),
  labels: z.record(z.string(), z.string()).default({}),
  /** Either a list of nodes or a count (named `<cluster>-node-<i>`). */
  nodes: z.union([z.number().int().min(0), z.array(nodeSchema)]).default(3),
  /** Maximum number of pods that can be scheduled in the cluster. */
  capacity: z.number().int().min(0).optional(),
  /** Bearer token; a random one is generated when absent. */
  token: z.string().optional(),
  /** Fixed port; an ephemeral one is used when absent. */
  port: z.number().int().min(0).max(65535).optional(),
});

const gcpSchema = z.strictObject({
  project: z.string().regex(/^[a-z][-a-z0-9]{4,28}[a-z0-9]$/),
  network: z.string().default('default'),
  /** Round-trip latency in ms between regions; symmetric, missing pairs count as far (1000). */
  distances: z.record(z.string(), z.record(z.string(), z.number().min(0))).default({}),
  token: z.string().optional(),
  port: z.number().int().min(0).max(65535).optional(),
});

/** A custom resource type every simulated cluster serves from start-up (no CRD object needed). */
const customResourceSchema = z.strictObject({
  group: z.string().min(1),
  version: z.string().min(1),
  kind: z.string().regex(/^[A-Z][A-Za-z0-9]*$/),
  /** Lower-case plural used in URLs; defaults to the lower-cased kind plus `s`. */
  plural: z.string().optional(),
  namespaced: z.boolean().default(true),
  shortNames: z.array(z.string()).optional(),
});

export const worldSchema = z.strictObject({
  apiVersion: z.literal('fedsync.io/v1alpha1'),
  kind: z.literal('World'),
  metadata: z.strictObject({ name: z.string() }),
  gcp: gcpSchema.optional(),
  clusters: z.array(clusterSchema).min(1),
  customResources: z.array(customResourceSchema).default([]),
});

export type World = z.infer<typeof worldSchema>;
export type WorldCluster = World['clusters'][number];

export type WorldNode = { name: string; zone: string; pods: number | undefined };

/** Nodes of a world cluster, expanding a count into named nodes. */
export function nodesOf(cluster: WorldCluster): WorldNode[] {
  if (typeof cluster.nodes === 'number') {
    return Array.from({ length: cluster.nodes }, (_, i) => ({
      name: `${cluster.name}-node-${i + 1}`,
      zone: cluster.zone,
      pods: undefined,
    }));
  }
  return cluster.nodes.map((n) => ({ name: n.name, zone: n.zone ?? cluster.zone, pods: n.pods }));
}

export function parseWorld(text: string, file = 'world'): World {
  const parsed = worldSchema.safeParse(load(text));
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new Error(`${file}: invalid world file:\n  ${issues.join('\n  ')}`);
  }
  const names = new Set<string>();
  for (const c of parsed.data.clusters) {
    if (names.has(c.name)) throw new Error(`${file}: cluster ${c.name} is listed twice`);
    names.add(c.name);
  }
  return parsed.data;
}

export async function readWorld(file: string): Promise<World> {
  return parseWorld(await readFile(file, 'utf8'), file);
}
