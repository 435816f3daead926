// loadFederation: every file of one revision in, one validated FederationRepo (or every problem) out.
// Layout: `fedsync.yaml` (optional), `clusters/**.yaml` (registrations), any other `**.yaml|yml`
// (manifests). Paths with a segment starting with `.` (e.g. `.github/`) are not read.
import type { ClusterRegistration, FederationRepo, FederationSettings } from '../model/federation.js';
import { refKey, refOf, subject } from '../model/kube.js';
import type { ObjectRef } from '../model/kube.js';
import { failed, ok } from '../model/problem.js';
import type { Problem, Result } from '../model/problem.js';
import { isClusterKind, readCluster } from './clusters.js';
import type { ReadCluster } from './clusters.js';
import { asObjectDoc } from './document.js';
import type { ObjectDoc } from './document.js';
import type { Entry, NormaliseContext } from './entry.js';
import { defaultFederation, readFederationSettings } from './federation-settings.js';
import { FEDSYNC_API, scopeOf } from './kinds.js';
import { applyRsp, federatedTargetRef, isFederatedKind, isRspKind, normaliseFederated } from './kubefed.js';
import { defaultManifestLimits } from './limits.js';
import type { ManifestLimits } from './limits.js';
import { normalisePlain } from './plain.js';
import { problemAt } from './problems.js';
import { checkReferences } from './references.js';
import { checkDuplicateRegistrations } from './registrations.js';
import { combineTenancy, readOperatorPolicy, tenancyLayer } from './tenancy.js';
import type { OperatorPolicyFile } from './tenancy.js';
import { checkTenancy } from './tenancy-check.js';
import { parseYamlFile } from './yaml.js';
import type { ParsedFile, YamlDocument } from './yaml.js';

/** One file of a revision. `oid` (the Git blob id) lets a ParseCache skip files that did not change. */
export type RepoFile = { path: string; text: string; oid?: string };

/** Parsed files by blob id; `parsed` counts real parses (cache misses). Reuse it across revisions. */
export type ParseCache = { entries: Map<string, ParsedFile>; parsed: number };

export function createParseCache(): ParseCache {
  return { entries: new Map(), parsed: 0 };
}

export type LoadOptions = {
  limits?: Partial<ManifestLimits>;
  cache?: ParseCache;
  /** The operator's tenancy policy, from outside the repository: the repository cannot loosen it. */
  operatorPolicy?: OperatorPolicyFile;
};

export type FileRole = 'federation' | 'cluster' | 'manifest' | 'ignored';

export function fileRole(path: string): FileRole {
  if (!/\.ya?ml$/i.test(path)) return 'ignored';
  const parts = path.split('/');
  if (parts.some((p) => p.startsWith('.'))) return 'ignored';
  if (path === 'fedsync.yaml' || path === 'fedsync.yml') return 'federation';
  if (parts[0] === 'clusters') return 'cluster';
  return 'manifest';
}

const isSafePath = (path: string): boolean =>
  path.length > 0 &&
  !path.startsWith('/') &&
  !path.includes('\\') &&
  path.split('/').every((p) => p !== '' && p !== '.' && p !== '..');

function parseWithCache(
  file: RepoFile,
  limits: ManifestLimits,
  cache: ParseCache | undefined,
  used: Map<string, ParsedFile>,
): ParsedFile {
  const key = file.oid ? `${file.oid}\u0000${file.path}` : undefined;
  const hit = key ? cache?.entries.get(key) : undefined;
  if (hit && key) {
    used.set(key, hit);
    return hit;
  }
  const parsed = parseYamlFile(file.path, file.text, limits);
  if (cache) cache.parsed++;
  if (key) used.set(key, parsed);
  return parsed;
}

type Seen = { file: string; line: number };
const where = (s: Seen): string => `${s.file}:${s.line}`;

function manifestIdentity(d: ObjectDoc): ObjectRef | undefined {
  if (isFederatedKind(d.obj.apiVersion, d.obj.kind)) return federatedTargetRef(d);
  if (isRspKind(d.obj.apiVersion, d.obj.kind))
    return { ...refOf(d.obj), namespace: d.obj.metadata.namespace ?? 'default' };
  const ref = refOf(d.obj);
  const scope = scopeOf(d.obj.apiVersion, d.obj.kind);
  return scope === 'Namespaced' && !ref.namespace ? { ...ref, namespace: 'default' } : ref;
}

/** Validates and normalises one revision of a federation repository. Pure: no I/O, never throws on input. */
export function loadFederation(files: RepoFile[], options: LoadOptions = {}): Result<FederationRepo> {
  const limits = { ...defaultManifestLimits, ...options.limits };
  const problems: Problem[] = [];
  const used = new Map<string, ParsedFile>();
  const byRole: Record<Exclude<FileRole, 'ignored'>, YamlDocument[]> = {
    federation: [],
    cluster: [],
    manifest: [],
  };
  for (const file of [...files].sort((a, b) => a.path.localeCompare(b.path))) {
    // Checked before the role: `../x.yaml` has a dot segment, and must be refused, not skipped.
    if (/\.ya?ml$/i.test(file.path) && !isSafePath(file.path)) {
      problems.push({
        code: 'layout.badPath',
        severity: 'error',
        message: `path "${file.path}" is not a normalised relative path (no leading "/", "\\", empty, "." or ".." segments); the file is not read`,
        source: { file: file.path, line: 1 },
      });
      continue;
    }
    const role = fileRole(file.path);
    if (role === 'ignored') continue;
    const parsed = parseWithCache(file, limits, options.cache, used);
    problems.push(...parsed.problems);
    byRole[role].push(...parsed.documents);
  }
  if (options.cache) options.cache.entries = used;

  // fedsync.yaml
  let federation: FederationSettings = defaultFederation();
  const fedDocs = byRole.federation.map((doc) => asObjectDoc(doc, problems)).filter((d) => d !== undefined);
  if (fedDocs.length > 1) {
    for (const d of fedDocs.slice(1))
      problems.push(
        problemAt(
          d.spot,
          [],
          'layout.duplicate',
          `only one Federation may be defined; the first is at ${where(fedDocs[0]!.doc)}`,
        ),
      );
  }
  if (fedDocs[0]) federation = readFederationSettings(fedDocs[0], problems) ?? federation;
  const operator = options.operatorPolicy && readOperatorPolicy(options.operatorPolicy, problems);
  const tenancy = combineTenancy([
    ...(federation.policy.tenancy?.layers ?? [tenancyLayer('repository', undefined)]),
    ...(operator ? [operator] : []),
  ]);
  federation = { ...federation, policy: { ...federation.policy, tenancy } };

  // clusters/
  const clusters: ClusterRegistration[] = [];
  const read: ReadCluster[] = [];
  const clusterSeen = new Map<string, Seen>();
  for (const doc of byRole.cluster) {
    const d = asObjectDoc(doc, problems);
    const r = d && readCluster(d, problems);
    if (!d || !r) continue;
    const reg = r.registration;
    const first = clusterSeen.get(reg.name);
    if (first) {
      problems.push(
        problemAt(
          d.spot,
          ['metadata', 'name'],
          'layout.duplicate',
          `cluster "${reg.name}" is registered twice: first at ${where(first)}`,
        ),
      );
      continue;
    }
    clusterSeen.set(reg.name, reg.source);
    clusters.push(reg);
    read.push(r);
  }
  checkDuplicateRegistrations(read, problems);

  // manifests
  const ctx: NormaliseContext = { clusters: new Set(clusters.map((c) => c.name)), problems };
  const entries: Entry[] = [];
  const rsps: ObjectDoc[] = [];
  const seen = new Map<string, Seen>();
  for (const doc of byRole.manifest) {
    const d = asObjectDoc(doc, problems);
    if (!d) continue;
    const { apiVersion, kind } = d.obj;
    if (isClusterKind(apiVersion, kind) || (apiVersion === FEDSYNC_API && kind === 'Federation')) {
      const home = kind === 'Federation' ? 'fedsync.yaml' : 'clusters/';
      problems.push(
        problemAt(d.spot, ['kind'], 'layout.misplaced', `a ${kind} belongs in ${home}; move it there`),
      );
      continue;
    }
    const id = manifestIdentity(d);
    const own = refOf(d.obj);
    const ownNamespaced =
      isFederatedKind(apiVersion, kind) || isRspKind(apiVersion, kind)
        ? own.namespace || 'default'
        : id?.namespace;
    d.spot.object = subject({ ...own, namespace: ownNamespaced ?? own.namespace });
    if (id) {
      const key = `${isRspKind(apiVersion, kind) ? 'rsp:' : ''}${refKey(id)}`;
      const first = seen.get(key);
      if (first) {
        problems.push(
          problemAt(
            { doc, object: subject(id) },
            ['metadata', 'name'],
            'layout.duplicate',
            `defined twice; first at ${where(first)} (group/kind/namespace/name must be unique)`,
          ),
        );
        continue;
      }
      seen.set(key, { file: doc.file, line: doc.line });
    }
    if (isRspKind(apiVersion, kind)) rsps.push(d);
    else {
      const entry = isFederatedKind(apiVersion, kind) ? normaliseFederated(d, ctx) : normalisePlain(d, ctx);
      if (entry) entries.push(entry);
    }
  }
  const byKey = new Map(entries.map((e) => [refKey(refOf(e.object.template)), e]));
  for (const d of rsps) applyRsp(d, byKey, ctx);
  checkReferences(entries, problems);
  checkTenancy(entries, tenancy, problems);

  if (problems.some((p) => p.severity === 'error')) return failed(sortProblems(problems));
  return ok({
    federation,
    clusters: clusters.sort((a, b) => a.name.localeCompare(b.name)),
    objects: entries
      .map((e) => e.object)
      .sort((a, b) => refKey(refOf(a.template)).localeCompare(refKey(refOf(b.template)))),
  });
}

export function sortProblems(problems: Problem[]): Problem[] {
  return [...problems].sort(
    (a, b) =>
      (a.source?.file ?? '').localeCompare(b.source?.file ?? '') ||
      (a.source?.line ?? 0) - (b.source?.line ?? 0),
  );
}
