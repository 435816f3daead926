// Surprises from reading the repository, as typed errors with a stable code. Messages never carry a
// credential: URLs are shown without user info, and library errors are mapped, not wrapped.

export const SourceErrorCode = {
  invalidLocation: 'source.invalidLocation',
  notARepository: 'source.notARepository',
  auth: 'source.auth',
  unreachable: 'source.unreachable',
  refNotFound: 'source.refNotFound',
  /** The ref is revision syntax (`HEAD~1`) or not a ref name at all. */
  invalidRef: 'source.invalidRef',
  limit: 'source.limit',
  /** The operator's tenancy policy file cannot be read. */
  policyFile: 'source.policyFile',
  git: 'source.git',
} as const;
export type SourceErrorCode = (typeof SourceErrorCode)[keyof typeof SourceErrorCode];

export class SourceError extends Error {
  readonly code: SourceErrorCode;
  /** Transient errors (network, server) are worth retrying; the others need a person. */
  readonly transient: boolean;
  constructor(code: SourceErrorCode, message: string, options: { transient?: boolean } = {}) {
    super(message);
    this.name = 'SourceError';
    this.code = code;
    this.transient = options.transient ?? false;
  }
}
