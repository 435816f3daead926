// A renderer for the subset of Helm's Go templates that charts/fedsync uses, so tests can render the
// chart without a Helm binary. Supported: text with `{{ }}` actions and `{{-`/`-}}` trimming,
// comments, `if`/`else if`/`else`/`end`, `define` + `include` (each template file is also a named
// template, `<chart>/templates/<file>`), pipelines, fields of `.` and `$`, string/number/bool
// literals, parentheses, and the functions in FUNCTIONS. Anything else is an error naming the file
// and the action, so a template that leaves the subset fails its test instead of rendering wrongly.
// Missing values are nil, as in Helm; reading a field of nil is an error, as in Helm.
import { readFileSync, readdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { dump, load } from 'js-yaml';

type Value = unknown;
type Scope = { dot: Value; root: Value };
type Node =
  | { kind: 'text'; text: string }
  | { kind: 'action'; pipeline: string; where: string }
  | { kind: 'if'; branches: { cond: string; body: Node[] }[]; otherwise: Node[]; where: string };

export type Release = { name: string; namespace: string };

export type RenderedChart = {
  /** Rendered text of each manifest template (`templates/<file>`), partials excluded. */
  files: Record<string, string>;
  /** Every YAML document of every file, in file order. */
  objects: Record<string, unknown>[];
  values: Record<string, unknown>;
};

class TemplateError extends Error {}

const truthy = (v: Value): boolean => {
  if (v === null || v === undefined || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v).length > 0;
  return true;
};

const toYaml = (v: Value): string =>
  v === null || v === undefined
    ? 'null'
    : dump(v, { sortKeys: true, lineWidth: -1, noRefs: true }).replace(/\n$/, '');

const indentLines = (n: number, s: string): string =>
  s
    .split('\n')
    .map((l) => ' '.repeat(n) + l)
    .join('\n');

const str = (v: Value): string => {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
};

/** printf for the verbs the chart uses: %s, %d, %v and %%. */
function printf(format: string, ...args: Value[]): string {
  let i = 0;
  return format.replace(/%[sdv%]/g, (verb) => (verb === '%%' ? '%' : str(args[i++])));
}

type Fn = (...args: Value[]) => Value;

const deepMerge = (base: Value, over: Value): Value => {
  if (!over || typeof over !== 'object' || Array.isArray(over)) return over === undefined ? base : over;
  const out: Record<string, Value> =
    base && typeof base === 'object' && !Array.isArray(base) ? { ...(base as Record<string, Value>) } : {};
  for (const [k, v] of Object.entries(over as Record<string, Value>)) out[k] = deepMerge(out[k], v);
  return out;
};

function tokenize(src: string, where: string): string[] {
  const tokens: string[] = [];
  const re =
    /\s*("(?:[^"\\]|\\.)*"|`[^`]*`|\(|\)|\||\$?(?:\.[A-Za-z_][A-Za-z0-9_]*)+|\$|\.|-?\d+(?:\.\d+)?|[A-Za-z_][A-Za-z0-9_]*)/y;
  let pos = 0;
  while (pos < src.length) {
    if (/^\s*$/.test(src.slice(pos))) break;
    re.lastIndex = pos;
    const m = re.exec(src);
    if (!m)
      throw new TemplateError(`${where}: cannot read "${src.slice(pos).trim()}" in {{ ${src.trim()} }}`);
    tokens.push(m[1] as string);
    pos = re.lastIndex;
  }
  return tokens;
}

export function createRenderer(chartDir: string, release: Release, overrides: Record<string, unknown> = {}) {
  const chart = load(readFileSync(join(chartDir, 'Chart.yaml'), 'utf8')) as Record<string, string>;
  const defaults = load(readFileSync(join(chartDir, 'values.yaml'), 'utf8')) as Record<string, unknown>;
  const values = deepMerge(defaults, overrides) as Record<string, unknown>;
  const chartName = chart.name as string;
  const basePath = `${chartName}/templates`;
  const templates = new Map<string, Node[]>();
  const root = {
    Values: values,
    Release: {
      Name: release.name,
      Namespace: release.namespace,
      Service: 'Helm',
      IsInstall: true,
      Revision: 1,
    },
    Chart: { Name: chart.name, Version: chart.version, AppVersion: chart.appVersion },
    Template: { BasePath: basePath, Name: '' },
  };

  const FUNCTIONS: Record<string, Fn> = {
    include: (name, dot) => execute(String(name), { dot, root: dot }),
    quote: (...a) => a.map((v) => JSON.stringify(str(v))).join(' '),
    default: (fallback, v) => (truthy(v) ? v : fallback),
    required: (message, v) => {
      if (!truthy(v)) throw new TemplateError(String(message));
      return v;
    },
    fail: (message) => {
      throw new TemplateError(String(message));
    },
    toYaml: (v) => toYaml(v),
    nindent: (n, s) => `\n${indentLines(Number(n), str(s))}`,
    indent: (n, s) => indentLines(Number(n), str(s)),
    printf: (format, ...args) => printf(String(format), ...args),
    print: (...a) => a.map(str).join(''),
    trunc: (n, s) => str(s).slice(0, Number(n)),
    trimSuffix: (suffix, s) => (str(s).endsWith(str(suffix)) ? str(s).slice(0, -str(suffix).length) : str(s)),
    sha256sum: (s) => createHash('sha256').update(str(s)).digest('hex'),
    eq: (a, b) => a === b,
    ne: (a, b) => a !== b,
    not: (v) => !truthy(v),
    and: (...a) => a.every(truthy),
    or: (...a) => a.some(truthy),
    empty: (v) => !truthy(v),
  };

  function parse(src: string, file: string): Node[] {
    const parts: (string | { action: string; where: string })[] = [];
    const re = /\{\{(-\s)?([\s\S]*?)(\s-)?\}\}/g;
    let last = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(src))) {
      let before = src.slice(last, m.index);
      if (m[1]) before = before.replace(/\s+$/, '');
      parts.push(before);
      const line = src.slice(0, m.index).split('\n').length;
      parts.push({ action: (m[2] as string).trim(), where: `${file}:${line}` });
      last = re.lastIndex;
      if (m[3]) {
        const rest = src.slice(last);
        last += rest.length - rest.replace(/^\s+/, '').length;
      }
    }
    parts.push(src.slice(last));

    let i = 0;
    const block = (stopAt: string[]): { nodes: Node[]; stop?: string; where?: string } => {
      const nodes: Node[] = [];
      while (i < parts.length) {
        const p = parts[i++] as string | { action: string; where: string };
        if (typeof p === 'string') {
          if (p) nodes.push({ kind: 'text', text: p });
          continue;
        }
        const { action, where } = p;
        if (action.startsWith('/*')) continue;
        const word = action.split(/\s+/)[0] as string;
        if (stopAt.includes(word)) return { nodes, stop: action, where };
        if (word === 'if') {
          const branches: { cond: string; body: Node[] }[] = [];
          let cond = action.slice(2).trim();
          let otherwise: Node[] = [];
          for (;;) {
            const inner = block(['else', 'end']);
            if (!inner.stop) throw new TemplateError(`${where}: {{ if }} without {{ end }}`);
            if (inner.stop === 'end') {
              branches.push({ cond, body: inner.nodes });
              break;
            }
            if (/^else\s+if\s/.test(inner.stop)) {
              branches.push({ cond, body: inner.nodes });
              cond = inner.stop.replace(/^else\s+if\s/, '').trim();
              continue;
            }
            branches.push({ cond, body: inner.nodes });
            const tail = block(['end']);
            if (tail.stop !== 'end') throw new TemplateError(`${where}: {{ else }} without {{ end }}`);
            otherwise = tail.nodes;
            break;
          }
          nodes.push({ kind: 'if', branches, otherwise, where });
        } else if (word === 'define') {
          const name = JSON.parse(action.slice(6).trim()) as string;
          const body = block(['end']);
          if (body.stop !== 'end') throw new TemplateError(`${where}: {{ define }} without {{ end }}`);
          templates.set(name, body.nodes);
        } else if (['range', 'with', 'template', 'block'].includes(word) || /^\$\w+\s*:?=/.test(action)) {
          throw new TemplateError(
            `${where}: {{ ${word} }} is outside the template subset this chart keeps to`,
          );
        } else {
          nodes.push({ kind: 'action', pipeline: action, where });
        }
      }
      return { nodes };
    };
    const { nodes, stop, where } = block([]);
    if (stop) throw new TemplateError(`${where}: unexpected {{ ${stop} }}`);
    return nodes;
  }

  function field(path: string, scope: Scope, where: string): Value {
    let v: Value = path.startsWith('$') ? scope.root : scope.dot;
    const names = path.replace(/^\$/, '').split('.').filter(Boolean);
    for (const [k, name] of names.entries()) {
      if (v === null || v === undefined)
        throw new TemplateError(`${where}: nil pointer evaluating ${names.slice(0, k).join('.')}.${name}`);
      v = typeof v === 'object' ? (v as Record<string, Value>)[name] : undefined;
    }
    return v;
  }

  function evalPipeline(src: string, scope: Scope, where: string): Value {
    const tokens = tokenize(src, where);
    let pos = 0;
    const operand = (): Value => {
      const t = tokens[pos++] as string;
      if (t === '(') {
        const v = pipeline();
        if (tokens[pos++] !== ')') throw new TemplateError(`${where}: missing ) in {{ ${src} }}`);
        return v;
      }
      if (t.startsWith('"')) return JSON.parse(t) as string;
      if (t.startsWith('`')) return t.slice(1, -1);
      if (/^-?\d/.test(t)) return Number(t);
      if (t === 'true' || t === 'false') return t === 'true';
      if (t === 'nil') return null;
      if (t === '.' || t.startsWith('.') || t.startsWith('$')) return field(t === '.' ? '' : t, scope, where);
      throw new TemplateError(`${where}: unexpected "${t}" in {{ ${src} }}`);
    };
    const command = (piped: Value[]): Value => {
      const t = tokens[pos] as string;
      if (/^[A-Za-z_]/.test(t) && !['true', 'false', 'nil'].includes(t)) {
        pos++;
        const fn = FUNCTIONS[t];
        if (!fn) throw new TemplateError(`${where}: function "${t}" is outside the template subset`);
        const args: Value[] = [];
        while (pos < tokens.length && tokens[pos] !== '|' && tokens[pos] !== ')') args.push(operand());
        return fn(...args, ...piped);
      }
      if (piped.length) throw new TemplateError(`${where}: cannot pipe into a value in {{ ${src} }}`);
      return operand();
    };
    const pipeline = (): Value => {
      let v = command([]);
      while (tokens[pos] === '|') {
        pos++;
        v = command([v]);
      }
      return v;
    };
    const v = pipeline();
    if (pos !== tokens.length) throw new TemplateError(`${where}: trailing "${tokens[pos]}" in {{ ${src} }}`);
    return v;
  }

  function run(nodes: Node[], scope: Scope): string {
    let out = '';
    for (const n of nodes) {
      if (n.kind === 'text') out += n.text;
      else if (n.kind === 'action') out += str(evalPipeline(n.pipeline, scope, n.where));
      else {
        const hit = n.branches.find((b) => truthy(evalPipeline(b.cond, scope, n.where)));
        out += run(hit ? hit.body : n.otherwise, scope);
      }
    }
    return out;
  }

  function execute(name: string, scope: Scope): string {
    const t = templates.get(name);
    if (!t) throw new TemplateError(`include: no template named "${name}"`);
    return run(t, scope);
  }

  const dir = join(chartDir, 'templates');
  const manifests: string[] = [];
  for (const file of readdirSync(dir).sort()) {
    const nodes = parse(readFileSync(join(dir, file), 'utf8'), `templates/${file}`);
    templates.set(`${basePath}/${file}`, nodes);
    if (!file.startsWith('_') && /\.ya?ml$/.test(file)) manifests.push(file);
  }

  return {
    values,
    render(): RenderedChart {
      const files: Record<string, string> = {};
      const objects: Record<string, unknown>[] = [];
      for (const file of manifests) {
        const text = run(templates.get(`${basePath}/${file}`) as Node[], {
          dot: { ...root, Template: { BasePath: basePath, Name: `${basePath}/${file}` } },
          root,
        });
        files[`templates/${file}`] = text;
        for (const doc of text.split(/^---\s*$/m)) {
          if (doc.replace(/^\s*#.*$/gm, '').trim() === '') continue;
          const parsed = load(doc, { filename: `templates/${file}` });
          if (parsed !== null && parsed !== undefined) objects.push(parsed as Record<string, unknown>);
        }
      }
      return { files, objects, values };
    },
  };
}

/** Every `.Values.<path>` a template of the chart mentions (static, so branches not taken count too). */
export function valuesPathsUsed(chartDir: string): Map<string, string[]> {
  const used = new Map<string, string[]>();
  const dir = join(chartDir, 'templates');
  for (const file of readdirSync(dir).sort()) {
    const text = readFileSync(join(dir, file), 'utf8');
    for (const m of text.matchAll(/\$?\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)/g)) {
      const path = (m[1] as string).slice(1);
      used.set(path, [...(used.get(path) ?? []), `templates/${file}`]);
    }
  }
  return used;
}
