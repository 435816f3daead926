// The agent's logger: pino, JSON lines by default, one readable line per entry on a terminal (a small
// formatter of our own: pino-pretty would be another dependency and a worker thread for little
// gain). Whatever a caller logs passes a scrubber first: values under secret-sounding keys, a
// Secret's data, credentials in URLs and bearer/basic tokens in text become `[redacted]`.
import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';
export type LogFormat = 'auto' | 'json' | 'pretty';

export type LoggerOptions = {
  level?: string;
  format?: LogFormat;
  /** Where lines go (default stdout). */
  destination?: { write(line: string): unknown };
  /** Whether the destination is a terminal, for `auto` (default: stdout's). */
  isTTY?: boolean;
  /** Fields on every line, e.g. `{ identity }`. */
  base?: Record<string, unknown>;
};

export const REDACTED = '[redacted]';

const SECRET_KEY =
  /^(authorization|proxy-authorization|cookie|set-cookie|password|passwd|secret|token|api[-_]?key|private[-_]?key|client[-_]?secret|access[-_]?token|refresh[-_]?token|id[-_]?token|bearer|x-hub-signature(-256)?|x-gitea-signature|x-gitlab-token)$/i;
const SECRET_SUFFIX = /[a-z0-9](Token|Secret|Password|Passwd|ApiKey)$/;

/** Credentials inside free text: URL user-info, Authorization values, well-known token shapes. */
export function scrubText(text: string): string {
  return text
    .replace(/(\/\/)[^/\s:@]+:[^/\s@]+@/g, `$1${REDACTED}@`)
    .replace(/\b(Bearer|Basic|token)\s+[A-Za-z0-9._~+/=-]{8,}/gi, `$1 ${REDACTED}`)
    .replace(
      /\b(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|glpat-[A-Za-z0-9_-]{20,})/g,
      REDACTED,
    );
}

const isSecretKey = (key: string): boolean => SECRET_KEY.test(key) || SECRET_SUFFIX.test(key);

/** A copy of `value` safe to log. Errors become plain objects (type, message, code, stack, cause). */
export function scrub(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[circular]';
  if (depth > 8) return '[too deep]';
  seen.add(value);
  if (Buffer.isBuffer(value)) return `[${value.length} bytes]`;
  if (value instanceof Error) {
    const out: Record<string, unknown> = { type: value.name, message: scrubText(value.message) };
    if (value.stack) out.stack = scrubText(value.stack);
    for (const [k, v] of Object.entries(value))
      out[k] = isSecretKey(k) ? REDACTED : scrub(v, depth + 1, seen);
    if (value.cause !== undefined) out.cause = scrub(value.cause, depth + 1, seen);
    return out;
  }
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1, seen));
  const obj = value as Record<string, unknown>;
  const isSecretObject = obj.kind === 'Secret';
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (isSecretObject && (k === 'data' || k === 'stringData') && v && typeof v === 'object') {
      out[k] = Object.fromEntries(Object.keys(v).map((key) => [key, REDACTED]));
    } else if (isSecretObject && k === 'metadata' && v && typeof v === 'object') {
      const meta = scrub(v, depth + 1, seen) as Record<string, unknown>;
      if (meta.annotations && typeof meta.annotations === 'object') {
        const a = meta.annotations as Record<string, unknown>;
        if ('kubectl.kubernetes.io/last-applied-configuration' in a)
          a['kubectl.kubernetes.io/last-applied-configuration'] = REDACTED;
      }
      out[k] = meta;
    } else if (isSecretKey(k) && (typeof v === 'string' || Buffer.isBuffer(v))) {
      out[k] = REDACTED;
    } else out[k] = scrub(v, depth + 1, seen);
  }
  return out;
}

const LEVEL_NAMES: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};
const OWN_KEYS = new Set(['level', 'time', 'msg', 'pid', 'hostname']);

function shown(v: unknown): string {
  if (typeof v === 'string') return /[\s"=]/.test(v) || v === '' ? JSON.stringify(v) : v;
  return JSON.stringify(v);
}

/** `12:04:05.120 INFO  reconciled sha=1a2b3c clusters=3`, from one pino JSON line. */
export function prettyLine(line: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const time = typeof entry.time === 'number' ? new Date(entry.time).toISOString().slice(11, 23) : '';
  const level =
    typeof entry.level === 'number' ? (LEVEL_NAMES[entry.level] ?? String(entry.level)) : String(entry.level);
  const fields = Object.entries(entry)
    .filter(([k]) => !OWN_KEYS.has(k))
    .map(([k, v]) => `${k}=${shown(v)}`);
  return `${[time, level.padEnd(5), typeof entry.msg === 'string' ? entry.msg : '', ...fields].filter((x) => x !== '').join(' ')}\n`;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const dest = options.destination ?? process.stdout;
  const tty = options.isTTY ?? process.stdout.isTTY === true;
  const format = options.format ?? 'auto';
  const pretty = format === 'pretty' || (format === 'auto' && tty);
  const stream = pretty
    ? { write: (line: string) => dest.write(prettyLine(line)) }
    : { write: (line: string) => dest.write(line) };
  return pino(
    {
      level: options.level ?? 'info',
      base: options.base ? (scrub(options.base) as Record<string, unknown>) : null,
      formatters: { log: (obj) => scrub(obj) as Record<string, unknown> },
      // Errors are already plain, scrubbed objects (see scrub); pino's own serializer would rename them.
      serializers: { err: (e: unknown) => e },
      hooks: {
        logMethod(args, method) {
          const out: unknown[] = args.map((a) => (typeof a === 'string' ? scrubText(a) : a));
          // log.warn(err): pino would take the message from the error unscrubbed.
          if (out[0] instanceof Error) {
            const err = out[0];
            out[0] = { err };
            if (typeof out[1] !== 'string') out.splice(1, 0, scrubText(err.message));
          }
          method.apply(this, out as Parameters<typeof method>);
        },
      },
    },
    stream,
  );
}
