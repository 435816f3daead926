// Why a status-branch publish did not land, as a typed error with a stable code. The writer returns
// it instead of throwing: reconciliation reports it and goes on. Messages name the branch and the
// repository (URL without credentials) and never carry a token.
import { SourceError } from '../../source/errors.js';

export const StatusBranchErrorCode = {
  /** The server refused the update: protected branch, a hook declined it. */
  rejected: 'statusBranch.rejected',
  /** No or wrong credentials, or no permission to push. */
  auth: 'statusBranch.auth',
  /** Another writer kept moving the branch; gave up after the allowed attempts. */
  conflict: 'statusBranch.conflict',
  /** Network or server trouble; worth trying again next cycle. */
  unreachable: 'statusBranch.unreachable',
  /** The repository location is unusable (not a repository, a linked worktree, a bad URL). */
  invalidRepository: 'statusBranch.invalidRepository',
  /** The render callback failed. */
  render: 'statusBranch.render',
  git: 'statusBranch.git',
} as const;
export type StatusBranchErrorCode = (typeof StatusBranchErrorCode)[keyof typeof StatusBranchErrorCode];

export class StatusBranchError extends Error {
  readonly code: StatusBranchErrorCode;
  readonly transient: boolean;
  constructor(code: StatusBranchErrorCode, message: string, options: { transient?: boolean } = {}) {
    super(message);
    this.name = 'StatusBranchError';
    this.code = code;
    this.transient = options.transient ?? false;
  }
}

type GitLibError = { code?: string; data?: { statusCode?: number; reason?: string; prettyDetails?: string } };

/** Server lines (hook output) safe to quote: printable, short. */
export function serverText(lines: readonly string[]): string {
  const text = lines
    .map((l) => l.replace(/[^\x20-\x7e]/g, ' ').trim())
    .filter((l) => l !== '')
    .join('; ');
  return text.length > 300 ? `${text.slice(0, 299)}…` : text;
}

/** Maps an error from isomorphic-git or the HTTP client to a StatusBranchError. */
export function classifyPublishError(err: unknown, where: string, branch: string): StatusBranchError {
  if (err instanceof StatusBranchError) return err;
  if (err instanceof SourceError)
    return new StatusBranchError(
      err.code === 'source.auth' ? StatusBranchErrorCode.auth : StatusBranchErrorCode.git,
      `cannot publish ${branch} to ${where}: ${err.message}`,
    );
  const e = (err ?? {}) as GitLibError;
  const status = e.data?.statusCode;
  if (e.code === 'HttpError' && (status === 401 || status === 403))
    return new StatusBranchError(
      StatusBranchErrorCode.auth,
      `${where} refused the credentials for pushing ${branch} (HTTP ${status}); give the Git token write access to the repository`,
    );
  if (e.code === 'HttpError')
    return new StatusBranchError(
      StatusBranchErrorCode.unreachable,
      `${where} answered HTTP ${status ?? '?'} while publishing ${branch}`,
      { transient: true },
    );
  const message = err instanceof Error ? err.message : String(err);
  if (/ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|socket hang up|no answer within/.test(message))
    return new StatusBranchError(
      StatusBranchErrorCode.unreachable,
      `cannot reach ${where} to publish ${branch}: ${message.replace(/https?:\/\/\S+/g, where)}`,
      { transient: true },
    );
  return new StatusBranchError(
    StatusBranchErrorCode.git,
    `publishing ${branch} to ${where} failed: ${e.code ? `${e.code}: ` : ''}${message.replace(/https?:\/\/\S+/g, where)}`,
  );
}
