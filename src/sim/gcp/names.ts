// Resource names, scopes and links: the shapes every Compute resource reference takes.

/** RFC 1035 label, as the Compute API enforces for resource names (max 63 characters). */
export const NAME_REGEX = '[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?';
const nameRe = new RegExp(`^${NAME_REGEX}$`);

export function isValidName(name: unknown): name is string {
  return typeof name === 'string' && nameRe.test(name);
}

/** `global` or `zones/<zone>`: where a resource lives, as it appears in paths and aggregated lists. */
export type ScopeKey = string;

export function zoneScope(zone: string): ScopeKey {
  return `zones/${zone}`;
}

/** europe-west1-b → europe-west1 */
export function regionOfZone(zone: string): string {
  return zone.replace(/-[a-z]$/, '');
}

export type ResourceRef = { project: string | undefined; scope: ScopeKey; collection: string; name: string };

const refRe = /(?:^|\/)(?:projects\/([^/]+)\/)?(global|zones\/[^/]+|regions\/[^/]+)\/([A-Za-z]+)\/([^/?#]+)$/;

/**
 * Parses a resource reference in any form the API accepts: a full URL (any host), a partial path
 * (`projects/p/global/healthChecks/x`, `global/healthChecks/x`, `zones/z/instanceGroups/g`).
 */
export function parseRef(link: string): ResourceRef | undefined {
  const m = refRe.exec(link.trim());
  if (!m) return undefined;
  return { project: m[1], scope: m[2]!, collection: m[3]!, name: m[4]! };
}

export function resourcePath(project: string, scope: ScopeKey, collection: string, name: string): string {
  return `projects/${project}/${scope}/${collection}/${name}`;
}
