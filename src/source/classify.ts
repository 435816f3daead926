// isomorphic-git and network failures → SourceErrors whose messages name no secret.
import { SourceError, SourceErrorCode } from './errors.js';

/** Maps library and network errors to SourceErrors whose messages name no secret. */
export function classify(err: unknown, where: string, ref: string | undefined): SourceError {
  if (err instanceof SourceError) return err;
  const e = err as { code?: string; data?: { statusCode?: number }; message?: string };
  if (e.code === 'HttpError') {
    const status = e.data?.statusCode ?? 0;
    if (status === 401 || status === 403) {
      return new SourceError(
        SourceErrorCode.auth,
        `authentication failed for ${where} (HTTP ${status}); check the Git token`,
      );
    }
    if (status === 404)
      return new SourceError(SourceErrorCode.notARepository, `no Git repository at ${where} (HTTP 404)`);
    return new SourceError(SourceErrorCode.unreachable, `${where} answered HTTP ${status}`, {
      transient: status >= 500 || status === 429,
    });
  }
  if (e.code === 'NotFoundError') {
    return new SourceError(
      SourceErrorCode.refNotFound,
      `ref "${ref ?? 'HEAD'}" not found in ${where} (deleted branch or tag?)`,
    );
  }
  if (
    e.code &&
    /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EPIPE)$/.test(e.code)
  ) {
    return new SourceError(SourceErrorCode.unreachable, `cannot reach ${where} (${e.code})`, {
      transient: true,
    });
  }
  if (/no answer within|socket hang up/.test(e.message ?? '')) {
    return new SourceError(SourceErrorCode.unreachable, `cannot reach ${where} (${e.message ?? ''})`, {
      transient: true,
    });
  }
  if (/certificate|self[- ]signed|CERT_|UNABLE_TO_VERIFY/i.test(`${e.code ?? ''} ${e.message ?? ''}`)) {
    return new SourceError(
      SourceErrorCode.unreachable,
      `TLS verification failed for ${where}; pass the server's CA bundle (--git-ca-file)`,
    );
  }
  return new SourceError(SourceErrorCode.git, `reading ${where} failed: ${e.code ?? 'error'}`);
}
