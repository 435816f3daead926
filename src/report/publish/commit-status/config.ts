// Which forge gets commit statuses, and with which token: from flags or the environment, never from
// the repository (a pull request must not be able to redirect statuses or read a token).
import { readFile } from 'node:fs/promises';
import { Forge, ForgeError, ForgeErrorCode } from './port.js';

export const DEFAULT_FORGE_TOKEN_ENV = 'FEDSYNC_FORGE_TOKEN';

export type ForgeConfig = {
  forge: Forge;
  /** `owner/name` on GitHub and Gitea; the project path (`group/sub/name`) or numeric id on GitLab. */
  repository: string;
  /**
   * Base address. GitHub: the API, default https://api.github.com (Enterprise:
   * https://ghe.example.com/api/v3). Gitea and GitLab: the server, e.g. https://gitea.example.com
   * (fedsync adds /api/v1 or /api/v4); GitLab defaults to https://gitlab.com.
   */
  url?: string;
  /** Web address for links to the status branch; derived from `url` when not given. */
  webUrl?: string;
  /** Environment variable with the token; default FEDSYNC_FORGE_TOKEN. */
  tokenEnv?: string;
  /** File with the token (takes precedence over the variable). */
  tokenFile?: string;
  /** Context prefix; default `fedsync`. */
  contextPrefix?: string;
};

const FORGES = Object.values(Forge) as string[];

/**
 * The forge configuration from flags or environment variables (FEDSYNC_FORGE, FEDSYNC_FORGE_REPO,
 * FEDSYNC_FORGE_URL, FEDSYNC_FORGE_WEB_URL, FEDSYNC_FORGE_TOKEN_FILE); undefined when no forge is set.
 */
export function forgeConfigFrom(input: {
  forge?: string;
  repository?: string;
  url?: string;
  webUrl?: string;
  tokenEnv?: string;
  tokenFile?: string;
  contextPrefix?: string;
}): ForgeConfig | undefined {
  if (!input.forge) return undefined;
  const fail = (message: string) => new ForgeError(ForgeErrorCode.config, message);
  if (!FORGES.includes(input.forge))
    throw fail(`unknown forge ${JSON.stringify(input.forge)}; use one of ${FORGES.join(', ')}`);
  const forge = input.forge as Forge;
  const repository = input.repository?.trim();
  if (!repository) throw fail(`the ${forge} repository is not set (owner/name, or the GitLab project path)`);
  if (forge !== 'gitlab' && !/^[^/\s]+\/[^/\s]+$/.test(repository))
    throw fail(`the ${forge} repository must be owner/name, not ${JSON.stringify(repository)}`);
  if (forge === 'gitea' && !input.url)
    throw fail('a Gitea forge needs its URL (e.g. https://gitea.example.com)');
  for (const [what, value] of [
    ['URL', input.url],
    ['web URL', input.webUrl],
  ] as const) {
    if (value === undefined) continue;
    let u: URL;
    try {
      u = new URL(value);
    } catch {
      throw fail(`the forge ${what} is not a valid URL`);
    }
    if (u.protocol !== 'https:' && u.protocol !== 'http:') throw fail(`the forge ${what} must be http(s)`);
    if (u.username || u.password) throw fail(`the forge ${what} must not contain credentials`);
  }
  const out: ForgeConfig = { forge, repository };
  if (input.url) out.url = input.url.replace(/\/+$/, '');
  if (input.webUrl) out.webUrl = input.webUrl.replace(/\/+$/, '');
  if (input.tokenEnv) out.tokenEnv = input.tokenEnv;
  if (input.tokenFile) out.tokenFile = input.tokenFile;
  if (input.contextPrefix) out.contextPrefix = input.contextPrefix;
  return out;
}

export function forgeConfigFromEnv(env: NodeJS.ProcessEnv): ForgeConfig | undefined {
  const input: Parameters<typeof forgeConfigFrom>[0] = {};
  const set = (key: keyof typeof input, name: string) => {
    const v = env[name];
    if (v) input[key] = v;
  };
  set('forge', 'FEDSYNC_FORGE');
  set('repository', 'FEDSYNC_FORGE_REPO');
  set('url', 'FEDSYNC_FORGE_URL');
  set('webUrl', 'FEDSYNC_FORGE_WEB_URL');
  set('tokenFile', 'FEDSYNC_FORGE_TOKEN_FILE');
  return forgeConfigFrom(input);
}

/** The token, read when needed; the value never goes into a message. */
export async function readForgeToken(config: ForgeConfig, env: NodeJS.ProcessEnv): Promise<string> {
  if (config.tokenFile) {
    try {
      const t = (await readFile(config.tokenFile, 'utf8')).trim();
      if (t) return t;
    } catch {
      // reported below without the file's content
    }
    throw new ForgeError(ForgeErrorCode.config, `cannot read a token from ${config.tokenFile}`);
  }
  const name = config.tokenEnv ?? DEFAULT_FORGE_TOKEN_ENV;
  const t = env[name]?.trim();
  if (!t)
    throw new ForgeError(
      ForgeErrorCode.config,
      `environment variable ${name} (the forge token) is empty or not set`,
    );
  return t;
}

/** API base and web base for a config. */
export function forgeBases(config: ForgeConfig): { api: string; web?: string } {
  switch (config.forge) {
    case 'github': {
      const api = config.url ?? 'https://api.github.com';
      const web =
        config.webUrl ??
        (api === 'https://api.github.com'
          ? 'https://github.com'
          : api.endsWith('/api/v3')
            ? api.slice(0, -'/api/v3'.length)
            : undefined);
      return web ? { api, web } : { api };
    }
    case 'gitea': {
      const base = config.url ?? '';
      return { api: `${base}/api/v1`, web: config.webUrl ?? base };
    }
    case 'gitlab': {
      const base = config.url ?? 'https://gitlab.com';
      return { api: `${base}/api/v4`, web: config.webUrl ?? base };
    }
  }
}
