// What the commands that talk to a running agent (`status --agent`, `reconcile`, `suspend`,
// `resume`) share: the `--agent <url>` and token options, one HTTP request to the agent, and the
// errors people read. A caller on the agent's own host needs no token; from anywhere else the agent
// wants its trigger token as `Authorization: Bearer`, read from `--token-env` or `--token-file` and
// never printed. node:http rather than fetch: a `--wait` request lasts as long as the reconcile.
import { readFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Command } from 'commander';
import { ExitCode } from './exit-codes.js';

export type AgentCliOptions = { agent?: string; tokenEnv?: string; tokenFile?: string };

export type Env = Readonly<Record<string, string | undefined>>;

export type AgentCommandDeps = {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Env;
};

export const processAgentDeps = (): AgentCommandDeps => ({
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
});

/** `--agent` (required unless `optional`), `--token-env`, `--token-file`. */
export function addAgentOptions(cmd: Command, options: { optional?: boolean } = {}): Command {
  const agent = '--agent <url>';
  const what = "the running agent's address, e.g. http://127.0.0.1:8080";
  return (options.optional ? cmd.option(agent, what) : cmd.requiredOption(agent, what))
    .option(
      '--token-env <name>',
      "environment variable holding the agent's trigger token (not needed on its host)",
    )
    .option('--token-file <path>', "file holding the agent's trigger token");
}

export const AgentClientErrorCode = {
  /** Nothing answered at the URL (refused, no such host, no answer in time). */
  unreachable: 'agent.unreachable',
  /** The agent answered 401 or 403. */
  refused: 'agent.refused',
  /** Bad flags: the URL, the token's source. */
  usage: 'agent.usage',
  /** The agent answered something that is not what it serves. */
  badAnswer: 'agent.badAnswer',
} as const;
export type AgentClientErrorCode = (typeof AgentClientErrorCode)[keyof typeof AgentClientErrorCode];

export class AgentClientError extends Error {
  readonly code: AgentClientErrorCode;
  readonly exit: ExitCode;
  constructor(code: AgentClientErrorCode, message: string) {
    super(message);
    this.name = 'AgentClientError';
    this.code = code;
    this.exit = code === AgentClientErrorCode.unreachable ? ExitCode.noAgent : ExitCode.error;
  }
}

/** `-o text|json` (cluster-command's check would load the repository reader with it). */
export function checkAgentOutput(output: string): void {
  if (output !== 'text' && output !== 'json') throw new Error(`-o must be one of text, json (got ${output})`);
}

/** The agent's base URL, checked: http(s), no credentials in it. */
export function agentUrl(text: string | undefined): URL {
  let url: URL | undefined;
  try {
    url = text ? new URL(text) : undefined;
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:'))
    throw new AgentClientError(
      AgentClientErrorCode.usage,
      `--agent must be an http(s) URL such as http://127.0.0.1:8080 (got ${text ?? 'nothing'})`,
    );
  if (url.username || url.password)
    throw new AgentClientError(
      AgentClientErrorCode.usage,
      '--agent must not carry credentials: pass the token with --token-env or --token-file',
    );
  return url;
}

/** The trigger token from where the flags point, or undefined when none is named. */
export async function agentToken(opts: AgentCliOptions, env: Env): Promise<string | undefined> {
  if (opts.tokenEnv && opts.tokenFile)
    throw new AgentClientError(AgentClientErrorCode.usage, 'give --token-env or --token-file, not both');
  let raw: string | undefined;
  if (opts.tokenEnv) {
    raw = env[opts.tokenEnv];
    if (!raw?.trim())
      throw new AgentClientError(
        AgentClientErrorCode.usage,
        `--token-env ${opts.tokenEnv}: the environment variable is not set or empty`,
      );
  } else if (opts.tokenFile) {
    const file = opts.tokenFile;
    raw = await readFile(file, 'utf8').catch((err: unknown) => {
      const code = (err as { code?: string }).code ?? 'unreadable';
      throw new AgentClientError(AgentClientErrorCode.usage, `--token-file ${file} cannot be read (${code})`);
    });
    if (!raw.trim()) throw new AgentClientError(AgentClientErrorCode.usage, `--token-file ${file} is empty`);
  }
  return raw?.trim();
}

export type AgentAnswer = { status: number; body: unknown };

/** The agent's address as people should see it: no query or trailing slash (a path prefix stays). */
const shown = (base: URL): string => `${base.origin}${base.pathname.replace(/\/+$/, '')}`;

/** `--agent` as printed in messages. */
export const agentAddress = (opts: AgentCliOptions): string => shown(agentUrl(opts.agent));

/**
 * One request to the agent. Answers other than 401/403 are returned as they are (the caller knows
 * what each endpoint says); no answer at all is an AgentClientError `agent.unreachable`.
 */
export async function callAgent(
  opts: AgentCliOptions,
  env: Env,
  req: { method: 'GET' | 'POST'; path: string; query?: Record<string, string>; timeoutMs?: number },
): Promise<AgentAnswer> {
  const base = agentUrl(opts.agent);
  const token = await agentToken(opts, env);
  // Below the path the URL names (an agent behind a proxy at `/fedsync/`), not at the host's root.
  const url = new URL(`${base.pathname.replace(/\/+$/, '')}${req.path}`, base.origin);
  for (const [k, v] of Object.entries(req.query ?? {})) url.searchParams.set(k, v);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    const r = send(url, {
      method: req.method,
      headers: { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    });
    const noAnswer = (why: string): AgentClientError =>
      new AgentClientError(AgentClientErrorCode.unreachable, `no agent answers at ${shown(base)} (${why})`);
    if (req.timeoutMs !== undefined) {
      const ms = req.timeoutMs;
      r.setTimeout(ms, () => r.destroy(noAnswer(`no answer within ${ms / 1000} s`)));
    }
    r.on('error', (err: Error & { code?: string }) =>
      reject(err instanceof AgentClientError ? err : noAnswer(err.code ?? err.message)),
    );
    r.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (err) => reject(noAnswer(err.message)));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    r.end();
  });
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: kept as text (a proxy's error page, say).
  }
  if (status === 401 || status === 403) {
    const said = errorText(body);
    const hint = token
      ? 'check the token --token-env/--token-file names'
      : 'from another host pass its trigger token with --token-env or --token-file';
    throw new AgentClientError(
      AgentClientErrorCode.refused,
      `the agent at ${shown(base)} refused the request: ${status} ${status === 401 ? 'Unauthorized' : 'Forbidden'}${said ? ` (${said})` : ''}; ${hint}`,
    );
  }
  return { status, body };
}

/** The `error` an agent's JSON answer carries, or a short piece of a text answer. */
export function errorText(body: unknown): string {
  if (body && typeof body === 'object' && typeof (body as { error?: unknown }).error === 'string')
    return (body as { error: string }).error;
  if (typeof body === 'string') return body.trim().split('\n')[0]!.slice(0, 200);
  return '';
}

/** An answer the endpoint does not give: what was expected, and what came. */
export function badAnswer(opts: AgentCliOptions, path: string, answer: AgentAnswer): AgentClientError {
  const said = errorText(answer.body);
  return new AgentClientError(
    AgentClientErrorCode.badAnswer,
    `${path} at ${agentAddress(opts)} answered ${answer.status}${said ? `: ${said}` : ''}`,
  );
}

export type SuspensionView = { by: string; reason: string; since: string };

/** The suspensions `/suspend` and `/resume` answer with (those still in force). */
export function suspensionsIn(opts: AgentCliOptions, path: string, answer: AgentAnswer): SuspensionView[] {
  const list = (answer.body as { suspended?: unknown } | undefined)?.suspended;
  if (answer.status !== 200 || !Array.isArray(list)) throw badAnswer(opts, path, answer);
  return list as SuspensionView[];
}

/** Runs an agent command; an AgentClientError is printed as `fedsync <command>: …` with its exit code. */
export async function agentCommand(
  command: string,
  deps: Pick<AgentCommandDeps, 'stderr'>,
  body: () => Promise<number>,
): Promise<number> {
  try {
    return await body();
  } catch (err) {
    if (!(err instanceof AgentClientError)) throw err;
    deps.stderr(`fedsync ${command}: ${err.message}\n`);
    return err.exit;
  }
}
