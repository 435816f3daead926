// Expected failures are values: a Problem says where, what, and what to do about it.

export type SourceLocation = { file: string; line: number };

export const Severity = { error: 'error', warning: 'warning' } as const;
export type Severity = (typeof Severity)[keyof typeof Severity];

export type Problem = {
  /** Stable machine-readable code, e.g. `yaml.parse`, `schema.unknownField`, `guard.massPrune`. */
  code: string;
  severity: Severity;
  message: string;
  source?: SourceLocation;
  /** Human subject of the object concerned, e.g. `Ingress/default/myingress`. */
  object?: string;
  cluster?: string;
};

export type Result<T> = { ok: true; value: T } | { ok: false; problems: Problem[] };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function failed<T>(problems: Problem[]): Result<T> {
  return { ok: false, problems };
}

/** `file:line: message` — the one-line form the CLI prints. */
export function formatProblem(p: Problem): string {
  const where = p.source ? `${p.source.file}:${p.source.line}: ` : '';
  const what = p.object ? `${p.object}: ` : '';
  const cluster = p.cluster ? ` (cluster ${p.cluster})` : '';
  return `${where}${p.severity === 'warning' ? 'warning: ' : ''}${what}${p.message}${cluster}`;
}

export function assertNever(x: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(x)}`);
}
