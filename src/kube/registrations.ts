// The registered clusters as a kubeconfig resolves them: which contexts it has, and the API server
// each context reaches (context → cluster entry → server). Validation already refuses two
// registrations naming the same context or declaring the same server; only here, with the
// kubeconfig in hand, can two different contexts be seen to reach one API server — one cluster
// registered twice, whose objects each run would create through one registration and prune through
// the other. Such a fleet is refused before anything is contacted. Credentials are never read into
// anything kept or printed: only names and server URLs.
import { readFile } from 'node:fs/promises';
import { load } from 'js-yaml';
import type { ClusterRegistration } from '../model/index.js';
import { duplicateServers } from '../manifests/servers.js';
import { kubeconfigLoadError } from './errors.js';

/** Every context of a kubeconfig file and the API server it reaches ('' when it names none). */
export async function kubeconfigServers(path: string): Promise<Map<string, string>> {
  type Doc = {
    contexts?: { name?: string; context?: { cluster?: string } }[];
    clusters?: { name?: string; cluster?: { server?: string } }[];
  };
  let doc: Doc | undefined;
  try {
    doc = load(await readFile(path, 'utf8')) as Doc | undefined;
  } catch (err) {
    throw kubeconfigLoadError(path, err);
  }
  const servers = new Map<string, string>();
  for (const c of doc?.clusters ?? []) if (c?.name) servers.set(c.name, c.cluster?.server ?? '');
  const out = new Map<string, string>();
  for (const c of doc?.contexts ?? []) {
    if (!c?.name) continue;
    const cluster = c.context?.cluster;
    out.set(c.name, (cluster !== undefined && servers.get(cluster)) || '');
  }
  return out;
}

/** Two registrations that reach one API server through different contexts. */
export class DuplicateServerError extends Error {
  readonly code = 'fleet.duplicateServer';
  constructor(message: string) {
    super(message);
    this.name = 'DuplicateServerError';
  }
}

const where = (r: ClusterRegistration): string =>
  `cluster "${r.name}" (${r.source.file}:${r.source.line}, context "${r.kubeconfigContext}")`;

/**
 * Throws DuplicateServerError when two registrations resolve to the same API server, naming both
 * files. Registrations whose context the kubeconfig lacks, or that names no server, are not compared.
 */
export function refuseDuplicateServers(
  registrations: readonly ClusterRegistration[],
  contextServers: ReadonlyMap<string, string>,
): void {
  const byContext = new Map<string, string>();
  for (const r of registrations) {
    const server = contextServers.get(r.kubeconfigContext);
    if (server) byContext.set(r.kubeconfigContext, server);
  }
  const groups = duplicateServers(byContext);
  if (groups.length === 0) return;
  const lines = groups.map((g) => {
    const regs = registrations.filter((r) => g.contexts.includes(r.kubeconfigContext));
    return `${regs.map(where).join(' and ')} reach the same API server ${g.server}`;
  });
  throw new DuplicateServerError(
    `${lines.join('; ')}: one cluster registered twice would have its objects created and deleted on alternate runs; remove one registration or point its context at its own cluster`,
  );
}
