import { DomainError, type ErrorCode } from '../domain/errors';
import { isUnavailable, StoreBusyError } from '../store/errors';
import type { Reply } from './response';

/** The one place where a contract code gets its HTTP status. */
const STATUS: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  INVALID_JSON: 400,
  DOMAIN_NOT_ALLOWED: 400,
  FORBIDDEN: 403,
  DOMAIN_OWNERSHIP_REQUIRED: 403,
  NOT_FOUND: 404,
  NO_CURRENT_ACCOUNT: 404,
  DOMAIN_TAKEN: 409,
  DOMAIN_REQUIRED: 409,
  AUTO_JOIN_ENABLED: 409,
  NOT_A_CHILD: 409,
  HIERARCHY_TOO_DEEP: 409,
  LIMIT_EXCEEDED: 409,
  IDEMPOTENCY_IN_PROGRESS: 409,
  PRECONDITION_FAILED: 412,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  IDEMPOTENCY_KEY_REUSED: 422,
  SERVICE_UNAVAILABLE: 503,
};

const RETRY_AFTER_SECONDS = '1';

const errorBody = (code: string, message: string, details?: unknown) => ({
  error: { code, message, ...(details ? { details } : {}) },
});

/**
 * Turns anything thrown into a reply. Domain errors carry their own safe message; throttling and
 * an unreachable store become 503 with Retry-After; anything else is a bug, answered with a
 * generic 500 (the details go to the log only). `unexpected` says whether to log it as an error.
 */
export function errorReply(error: unknown): { reply: Reply; unexpected: boolean } {
  if (error instanceof DomainError) {
    const status = STATUS[error.code];
    return {
      reply: {
        status,
        body: errorBody(error.code, error.message, error.details),
        headers: status === 503 ? { 'retry-after': RETRY_AFTER_SECONDS } : undefined,
      },
      unexpected: false,
    };
  }
  if (error instanceof StoreBusyError || isUnavailable(error)) {
    return {
      reply: {
        status: 503,
        body: errorBody('SERVICE_UNAVAILABLE', 'The service is temporarily unavailable; retry shortly'),
        headers: { 'retry-after': RETRY_AFTER_SECONDS },
      },
      unexpected: true,
    };
  }
  return { reply: { status: 500, body: errorBody('INTERNAL', 'Internal error') }, unexpected: true };
}
