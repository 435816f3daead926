// Reads what the resolver needs — the config file (from --config or FEDSYNC_CONFIG), the
// environment, a few host facts — and resolves it. A broken file yields every problem at once.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { failed, type Result } from '../../model/problem.js';
import type { FlagValues } from './layers.js';
import { resolveAgentConfig } from './resolve.js';
import type { AgentConfig, HostFacts } from './types.js';

const POD_NAMESPACE_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

export type LoadConfigOptions = {
  flags: FlagValues;
  env?: Readonly<Record<string, string | undefined>>;
  /** Host facts; default the real host's. */
  host?: HostFacts;
};

async function realHost(env: Readonly<Record<string, string | undefined>>): Promise<HostFacts> {
  const podNamespace = await readFile(POD_NAMESPACE_FILE, 'utf8').then(
    (t) => t.trim(),
    () => undefined,
  );
  return {
    hostname: env.HOSTNAME || hostname(),
    instanceId: randomBytes(3).toString('hex'),
    ...(env.HOME ? { home: env.HOME } : {}),
    ...(podNamespace ? { podNamespace } : {}),
  };
}

export async function loadAgentConfig(options: LoadConfigOptions): Promise<Result<AgentConfig>> {
  const env = options.env ?? process.env;
  const configFlag = options.flags.config;
  const path = typeof configFlag === 'string' ? configFlag : env.FEDSYNC_CONFIG || undefined;
  let file: { path: string; text: string } | undefined;
  if (path !== undefined) {
    try {
      file = { path, text: await readFile(path, 'utf8') };
    } catch (err) {
      const code = (err as { code?: string }).code ?? 'unreadable';
      return failed([
        {
          code: 'config.unreadable',
          severity: 'error',
          message: `cannot read the configuration file ${path} (${code})`,
        },
      ]);
    }
  }
  return resolveAgentConfig({
    ...(file ? { file } : {}),
    env,
    flags: options.flags,
    host: options.host ?? (await realHost(env)),
  });
}
