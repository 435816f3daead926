// The CommitStatusProvider port: what fedsync needs from a forge's commit-status API. One shape for
// GitHub, GitHub Enterprise, Gitea and GitLab; each adapter translates states and fields.
import type { CommitState } from '../../format/commit-statuses.js';

export const Forge = { github: 'github', gitea: 'gitea', gitlab: 'gitlab' } as const;
export type Forge = (typeof Forge)[keyof typeof Forge];

/** A status as the forge holds it, in the forge's own state vocabulary. */
export type PostedStatus = { context: string; state: string; description: string; targetUrl?: string };

export type StatusToPost = { context: string; state: CommitState; description: string; targetUrl?: string };

/** What a response said about the rate limit; times are epoch milliseconds. */
export type RateLimit = { remaining?: number; resetAt?: number; retryAt?: number };

export type CommitStatusProvider = {
  readonly forge: Forge;
  /** How `state` is spelled on this forge (used to compare with what is already posted). */
  forgeState(state: CommitState): string;
  /** The newest status per context on a commit. */
  list(sha: string): Promise<{ statuses: PostedStatus[]; rateLimit?: RateLimit }>;
  post(sha: string, status: StatusToPost): Promise<{ rateLimit?: RateLimit }>;
  /** Web address of a file of the status branch at a commit, when the forge's web URL is known. */
  fileUrl(commit: string, path: string): string | undefined;
};

export const ForgeErrorCode = {
  auth: 'forge.auth',
  rateLimited: 'forge.rateLimited',
  rejected: 'forge.rejected',
  unreachable: 'forge.unreachable',
  server: 'forge.server',
  config: 'forge.config',
} as const;
export type ForgeErrorCode = (typeof ForgeErrorCode)[keyof typeof ForgeErrorCode];

export class ForgeError extends Error {
  readonly code: ForgeErrorCode;
  readonly status?: number;
  readonly rateLimit?: RateLimit;
  constructor(
    code: ForgeErrorCode,
    message: string,
    options: { status?: number; rateLimit?: RateLimit } = {},
  ) {
    super(message);
    this.name = 'ForgeError';
    this.code = code;
    if (options.status !== undefined) this.status = options.status;
    if (options.rateLimit) this.rateLimit = options.rateLimit;
  }
}
