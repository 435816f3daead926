// The three sources of settings, each read into the same shape: setting path → value and where the
// value came from. The file is validated against the strict schema (every problem with file:line);
// environment variables and flags are converted from text and checked by the same leaf schemas.
import { parseYamlFile, type PathPart, type YamlDocument } from '../../manifests/yaml.js';
import { zodProblems } from '../../manifests/problems.js';
import type { Problem } from '../../model/problem.js';
import { fileSchema, leafSchema, SETTINGS, type Setting } from './settings.js';

export type Origin =
  | { kind: 'file'; file: string; line: number }
  | { kind: 'env'; name: string }
  | { kind: 'flag'; name: string };

export type Layer = Map<string, { value: unknown; origin: Origin }>;

/** Flag values as a CLI parser hands them over: keyed by flag name (`shard-index`), text or boolean. */
export type FlagValues = Record<string, string | boolean | string[] | undefined>;

export function describeOrigin(o: Origin): string {
  switch (o.kind) {
    case 'file':
      return `${o.file}:${o.line}`;
    case 'env':
      return `environment variable ${o.name}`;
    case 'flag':
      return `flag --${o.name}`;
  }
}

export function problemAtOrigin(o: Origin, code: string, message: string): Problem {
  if (o.kind === 'file') return { code, severity: 'error', message, source: { file: o.file, line: o.line } };
  return { code, severity: 'error', message: `${describeOrigin(o)}: ${message}` };
}

const at = (value: unknown, path: readonly string[]): unknown => {
  let cur = value;
  for (const p of path)
    cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[p] : undefined;
  return cur;
};

/** The config file's settings; problems for everything wrong with it, each at its line. */
export function fileLayer(file: string, text: string): { layer: Layer; problems: Problem[] } {
  const layer: Layer = new Map();
  const parsed = parseYamlFile(file, text);
  if (parsed.problems.length > 0) return { layer, problems: parsed.problems };
  const [doc, extra] = parsed.documents;
  if (!doc) {
    return {
      layer,
      problems: [
        {
          code: 'config.empty',
          severity: 'error',
          message:
            'the configuration file is empty; it needs apiVersion: fedsync.io/v1alpha1 and kind: AgentConfig',
          source: { file, line: 1 },
        },
      ],
    };
  }
  const problems: Problem[] = [];
  if (extra) {
    problems.push({
      code: 'config.documents',
      severity: 'error',
      message: 'the configuration file holds more than one YAML document; keep one',
      source: { file, line: extra.line },
    });
  }
  if (typeof doc.value !== 'object' || doc.value === null || Array.isArray(doc.value)) {
    problems.push({
      code: 'config.notMapping',
      severity: 'error',
      message: 'the configuration must be a mapping (key: value)',
      source: { file, line: doc.line },
    });
    return { layer, problems };
  }
  const result = fileSchema().safeParse(doc.value);
  if (!result.success) problems.push(...zodProblems({ doc }, [], result.error, 'AgentConfig'));
  // Valid settings still count when others are wrong, so later checks report their problems too.
  for (const setting of SETTINGS) {
    const path = setting.path.split('.');
    const value = at(doc.value, path);
    if (value === undefined) continue;
    if (!leafSchema(setting.kind).safeParse(value).success) continue;
    layer.set(setting.path, { value, origin: fileOrigin(doc, path) });
  }
  return { layer, problems };
}

function fileOrigin(doc: YamlDocument, path: readonly PathPart[]): Origin {
  return { kind: 'file', file: doc.file, line: doc.lineAt(path) };
}

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

/** Text (from the environment or a flag) to the setting's type; a message when it does not fit. */
function fromText(setting: Setting, text: string): { value: unknown } | { error: string } {
  let value: unknown = text;
  switch (setting.kind) {
    case 'bool':
      if (TRUE.has(text.toLowerCase())) value = true;
      else if (FALSE.has(text.toLowerCase())) value = false;
      else return { error: `must be true or false, got "${text}"` };
      break;
    case 'count':
    case 'index':
      if (!/^-?\d+$/.test(text.trim())) return { error: `must be a whole number, got "${text}"` };
      value = Number(text);
      break;
    case 'list':
      value = text
        .split(',')
        .map((x) => x.trim())
        .filter((x) => x !== '');
      break;
    case 'text':
    case 'url':
    case 'duration':
    case 'envName':
    case 'forge':
    case 'scheme':
    case 'level':
    case 'format':
      break;
  }
  const checked = leafSchema(setting.kind).safeParse(value);
  if (!checked.success) return { error: checked.error.issues.map((i) => i.message).join('; ') };
  return { value: checked.data };
}

/** FEDSYNC_* variables. Values of variables that hold secrets are never read here, only names. */
export function envLayer(env: Readonly<Record<string, string | undefined>>): {
  layer: Layer;
  problems: Problem[];
} {
  const layer: Layer = new Map();
  const problems: Problem[] = [];
  for (const setting of SETTINGS) {
    if (!setting.env) continue;
    const text = env[setting.env];
    if (text === undefined || text === '') continue;
    const origin: Origin = { kind: 'env', name: setting.env };
    const r = fromText(setting, text);
    if ('error' in r) problems.push(problemAtOrigin(origin, 'config.invalid', r.error));
    else layer.set(setting.path, { value: r.value, origin });
  }
  return { layer, problems };
}

export function flagLayer(flags: FlagValues): { layer: Layer; problems: Problem[] } {
  const layer: Layer = new Map();
  const problems: Problem[] = [];
  for (const setting of SETTINGS) {
    if (!setting.flag) continue;
    const raw = flags[setting.flag];
    if (raw === undefined) continue;
    const origin: Origin = { kind: 'flag', name: setting.flag };
    if (typeof raw === 'boolean') {
      if (setting.kind === 'bool') layer.set(setting.path, { value: raw, origin });
      else problems.push(problemAtOrigin(origin, 'config.invalid', 'needs a value'));
      continue;
    }
    const r = Array.isArray(raw)
      ? setting.kind === 'list'
        ? { value: raw }
        : fromText(setting, raw[raw.length - 1] ?? '')
      : fromText(setting, raw);
    if ('error' in r) problems.push(problemAtOrigin(origin, 'config.invalid', r.error));
    else layer.set(setting.path, { value: r.value, origin });
  }
  return { layer, problems };
}
