/**
 * Every expected failure is a DomainError carrying the contract's code; the http edge maps codes to
 * statuses in one place (lib/http/errors.ts). Messages are safe to show to the caller.
 */
export type ErrorCode =
  | 'VALIDATION_FAILED'
  | 'INVALID_JSON'
  | 'DOMAIN_NOT_ALLOWED'
  | 'FORBIDDEN'
  | 'DOMAIN_OWNERSHIP_REQUIRED'
  | 'NOT_FOUND'
  | 'NO_CURRENT_ACCOUNT'
  | 'DOMAIN_TAKEN'
  | 'DOMAIN_REQUIRED'
  | 'AUTO_JOIN_ENABLED'
  | 'NOT_A_CHILD'
  | 'HIERARCHY_TOO_DEEP'
  | 'LIMIT_EXCEEDED'
  | 'IDEMPOTENCY_IN_PROGRESS'
  | 'PRECONDITION_FAILED'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'SERVICE_UNAVAILABLE';

export interface ErrorDetail {
  path: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetail[],
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const notFound = (): DomainError => new DomainError('NOT_FOUND', 'Not found');
export const forbidden = (): DomainError =>
  new DomainError('FORBIDDEN', 'Your role on this account does not allow this');
export const preconditionFailed = (): DomainError =>
  new DomainError('PRECONDITION_FAILED', 'The resource changed since the ETag in If-Match was issued');
