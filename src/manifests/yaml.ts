// Multi-document YAML with limits and line numbers. One pass over js-yaml's event stream counts
// nodes (an alias counts as the whole subtree it points at, which is what defeats alias bombs) and
// records the line of every key, so a problem deep inside an object can name its exact line.
import { constructFromEvents, EVENT_ID, getScalarValue, parseEvents, YAMLException } from 'js-yaml';
import type { Event } from 'js-yaml';
import type { Problem } from '../model/problem.js';
import type { ManifestLimits } from './limits.js';
import { defaultManifestLimits } from './limits.js';

export type PathPart = string | number;

/** One YAML document of a file, with enough position data to point at any field in it. */
export type YamlDocument = {
  value: unknown;
  file: string;
  /** Line (1-based) of the document's top-level `kind:` key, else of its first node. */
  line: number;
  /** Line of the field at `path` (or of its nearest ancestor that has one). */
  lineAt: (path: readonly PathPart[]) => number;
};

export type ParsedFile = { documents: YamlDocument[]; problems: Problem[] };

type Frame = {
  kind: 'doc' | 'map' | 'seq';
  path: PathPart[];
  index: number;
  expectKey: boolean;
  pendingKey: string;
  pendingKeyOffset: number;
  anchor: string | undefined;
  startNodes: number;
};

class ScanLimitError extends Error {
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(message);
    this.offset = offset;
  }
}

const pathKey = (path: readonly PathPart[]): string => path.join('\u0000');

function lineIndex(text: string): (offset: number) => number {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}

function problem(file: string, line: number, code: string, message: string): Problem {
  return { code, severity: 'error', message, source: { file, line } };
}

/** Parses every document of one file. Never throws: every failure is a Problem with file:line. */
export function parseYamlFile(
  file: string,
  text: string,
  limits: ManifestLimits = defaultManifestLimits,
): ParsedFile {
  const bytes = new TextEncoder().encode(text).length;
  if (bytes > limits.maxFileBytes) {
    return {
      documents: [],
      problems: [
        problem(
          file,
          1,
          'yaml.tooLarge',
          `file is ${bytes} bytes, over the limit of ${limits.maxFileBytes} bytes; split it into smaller files`,
        ),
      ],
    };
  }
  const lineOf = lineIndex(text);
  let events: Event[];
  try {
    events = parseEvents(text, { filename: file, maxDepth: limits.maxDepth });
  } catch (err) {
    return { documents: [], problems: [yamlProblem(file, err)] };
  }
  let scanned: { lines: Map<string, number>[]; starts: number[] };
  try {
    scanned = scanEvents(text, events, limits);
  } catch (err) {
    if (err instanceof ScanLimitError) {
      return { documents: [], problems: [problem(file, lineOf(err.offset), 'yaml.limit', err.message)] };
    }
    throw err;
  }
  let values: unknown[];
  try {
    values = constructFromEvents(events, { source: text, filename: file, maxAliases: limits.maxAliases });
  } catch (err) {
    return { documents: [], problems: [yamlProblem(file, err)] };
  }
  const documents: YamlDocument[] = [];
  values.forEach((value, i) => {
    if (value === null || value === undefined) return;
    const lines = scanned.lines[i] ?? new Map<string, number>();
    const startLine = lineOf(Math.max(0, scanned.starts[i] ?? 0));
    const kindOffset = lines.get(pathKey(['kind']));
    documents.push({
      value,
      file,
      line: kindOffset === undefined ? startLine : lineOf(kindOffset),
      lineAt: (path) => {
        for (let n = path.length; n > 0; n--) {
          const at = lines.get(pathKey(path.slice(0, n)));
          if (at !== undefined) return lineOf(at);
        }
        return startLine;
      },
    });
  });
  return { documents, problems: [] };
}

function yamlProblem(file: string, err: unknown): Problem {
  if (err instanceof YAMLException) {
    const mark = (err as { mark?: { line?: number } }).mark;
    const reason = (err as { reason?: string }).reason ?? '';
    const line = (mark?.line ?? 0) + 1;
    const code = /maxDepth|maxAliases|exceeded/.test(reason) ? 'yaml.limit' : 'yaml.parse';
    return problem(file, line, code, `invalid YAML: ${safeReason(reason)}`);
  }
  // Not js-yaml's own complaint: its message may quote anything, so name only the error's class.
  const name = err instanceof Error ? err.name : typeof err;
  return problem(file, 1, 'yaml.parse', `invalid YAML: the parser failed (${name})`);
}

// js-yaml's reasons that interpolate document text (a tag, an alias or anchor name, a tag handle).
// An unquoted Secret value starting with `!` or `*` is read as a tag or an alias, so those texts can
// be a Secret's value: each becomes a fixed message. The error's `message` (with its source snippet)
// is never used; file:line says where.
const REASON_REWRITES: readonly (readonly [RegExp, string])[] = [
  [
    /^unknown (?:scalar|sequence|mapping) tag/,
    'unknown tag (fedsync reads plain YAML; quote a value starting with "!")',
  ],
  [/^cannot resolve a node with .* explicit tag/, 'a value does not match its explicit tag'],
  [/^unidentified alias/, 'an alias (*name) refers to no anchor (quote a value starting with "*")'],
  [/^recursive alias/, 'an alias refers to the node that contains it'],
  [/^tag name cannot contain such characters/, 'a tag name contains characters a tag cannot have'],
  [/^undeclared tag handle/, 'a tag uses a handle no %TAG directive declares'],
  [/^there is a previously declared suffix/, 'a %TAG directive declares the same handle twice'],
];

/** A reason that quotes no document text; unknown interpolating reasons are cut before the quote. */
export function safeReason(reason: string): string {
  for (const [pattern, message] of REASON_REWRITES) if (pattern.test(reason)) return message;
  const cut = reason.split(/["`]|!<|: /)[0]?.trim() ?? '';
  return cut === '' ? 'syntax error' : cut;
}

/** Counts expanded nodes per document and records the offset of every key. Throws ScanLimitError. */
function scanEvents(
  text: string,
  events: Event[],
  limits: ManifestLimits,
): { lines: Map<string, number>[]; starts: number[] } {
  const lines: Map<string, number>[] = [];
  const starts: number[] = [];
  const stack: Frame[] = [];
  let anchors = new Map<string, number>();
  let nodes = 0;
  let aliases = 0;
  let docs = 0;
  // Budgets for the whole file: per-document counters reset, these do not.
  let fileNodes = 0;
  let fileAliases = 0;
  const frame = (kind: Frame['kind'], path: PathPart[], anchor?: string): Frame => ({
    kind,
    path,
    index: 0,
    expectKey: true,
    pendingKey: '',
    pendingKeyOffset: -1,
    anchor,
    startNodes: nodes,
  });
  const count = (n: number, offset: number): void => {
    nodes += n;
    fileNodes += n;
    if (nodes > limits.maxNodesPerDocument) {
      throw new ScanLimitError(
        `document expands to more than ${limits.maxNodesPerDocument} nodes (alias bomb?); refusing to load it`,
        offset,
      );
    }
    if (fileNodes > limits.maxNodesPerFile) {
      throw new ScanLimitError(
        `file expands to more than ${limits.maxNodesPerFile} nodes (alias bomb?); refusing to load it`,
        offset,
      );
    }
  };
  /** Places a node in its parent; returns its path, or undefined when the node is a mapping key. */
  const place = (offset: number, keyText: () => string): PathPart[] | undefined => {
    const parent = stack[stack.length - 1];
    const docLines = lines[lines.length - 1];
    if (!parent || !docLines) return [];
    if (parent.kind === 'doc') {
      if (starts[starts.length - 1] === -1) starts[starts.length - 1] = offset;
      return [];
    }
    if (parent.kind === 'seq') {
      const path = [...parent.path, parent.index++];
      if (offset >= 0) docLines.set(pathKey(path), offset);
      return path;
    }
    if (parent.expectKey) {
      parent.expectKey = false;
      parent.pendingKey = keyText();
      parent.pendingKeyOffset = offset;
      return undefined;
    }
    parent.expectKey = true;
    const path = [...parent.path, parent.pendingKey];
    docLines.set(pathKey(path), parent.pendingKeyOffset >= 0 ? parent.pendingKeyOffset : offset);
    return path;
  };
  const anchorOf = (start: number, end: number): string | undefined =>
    start >= 0 ? text.slice(start, end) : undefined;

  for (const ev of events) {
    switch (ev.type) {
      case EVENT_ID.DOCUMENT:
        if (++docs > limits.maxDocumentsPerFile) {
          throw new ScanLimitError(`more than ${limits.maxDocumentsPerFile} documents in one file`, 0);
        }
        lines.push(new Map());
        starts.push(-1);
        anchors = new Map();
        nodes = 0;
        aliases = 0;
        stack.push(frame('doc', []));
        break;
      case EVENT_ID.MAPPING:
      case EVENT_ID.SEQUENCE: {
        const path = place(ev.start, () => '?') ?? ['?'];
        count(1, ev.start);
        stack.push(
          frame(ev.type === EVENT_ID.MAPPING ? 'map' : 'seq', path, anchorOf(ev.anchorStart, ev.anchorEnd)),
        );
        break;
      }
      case EVENT_ID.SCALAR: {
        place(ev.valueStart, () => (ev.valueStart >= 0 ? getScalarValue(text, ev) : ''));
        count(1, Math.max(0, ev.valueStart));
        const anchor = anchorOf(ev.anchorStart, ev.anchorEnd);
        if (anchor !== undefined) anchors.set(anchor, 1);
        break;
      }
      case EVENT_ID.ALIAS: {
        place(ev.anchorStart, () => '?');
        if (++aliases > limits.maxAliases) {
          throw new ScanLimitError(`more than ${limits.maxAliases} aliases in one document`, ev.anchorStart);
        }
        if (++fileAliases > limits.maxAliasesPerFile) {
          throw new ScanLimitError(
            `more than ${limits.maxAliasesPerFile} aliases in one file (all documents together)`,
            ev.anchorStart,
          );
        }
        count(anchors.get(text.slice(ev.anchorStart, ev.anchorEnd)) ?? 1, ev.anchorStart);
        break;
      }
      case EVENT_ID.POP: {
        const done = stack.pop();
        if (done?.anchor !== undefined) anchors.set(done.anchor, nodes - done.startNodes);
        break;
      }
    }
  }
  return { lines, starts };
}
