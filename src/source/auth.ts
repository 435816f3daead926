// Git credentials: a token or password from an environment variable or a file, sent as basic or
// bearer auth. The secret is read when needed and never stored, logged or put in a message.
import { readFile } from 'node:fs/promises';
import { SourceError, SourceErrorCode } from './errors.js';

/** The environment variable a Git token is taken from when no credentials are configured. */
export const DEFAULT_TOKEN_ENV = 'FEDSYNC_GIT_TOKEN';

export type GitAuth = {
  /** `basic` (default; username + token as password, what GitHub/Gitea/GitLab accept) or `bearer`. */
  scheme?: 'basic' | 'bearer';
  /** Basic-auth user name; default `x-access-token`. */
  username?: string;
  /** Environment variable holding the token or password. */
  tokenEnv?: string;
  /** File holding the token or password (re-read on every fetch, so rotation needs no restart). */
  tokenFile?: string;
};

export async function authHeader(
  auth: GitAuth | undefined,
  env: NodeJS.ProcessEnv,
): Promise<Record<string, string>> {
  if (!auth) return {};
  let secret: string | undefined;
  if (auth.tokenFile) {
    try {
      secret = (await readFile(auth.tokenFile, 'utf8')).trim();
    } catch {
      throw new SourceError(SourceErrorCode.auth, `cannot read the Git token file ${auth.tokenFile}`);
    }
  } else if (auth.tokenEnv) {
    secret = env[auth.tokenEnv];
    if (!secret)
      throw new SourceError(
        SourceErrorCode.auth,
        `environment variable ${auth.tokenEnv} is empty or not set`,
      );
  }
  if (!secret) return {};
  if (auth.scheme === 'bearer') return { authorization: `Bearer ${secret}` };
  const basic = Buffer.from(`${auth.username ?? 'x-access-token'}:${secret}`).toString('base64');
  return { authorization: `Basic ${basic}` };
}
