/**
 * How the store reports AWS failures to the layers above, without them knowing the SDK.
 */
const UNAVAILABLE = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'TransactionConflictException',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);
const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);

/** Throttling, a timeout or an unreachable store: the SDK has already retried; the caller may retry later. */
export function isUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const e = error as Error & { code?: string; $retryable?: unknown; $metadata?: { httpStatusCode?: number } };
  return (
    UNAVAILABLE.has(e.name) ||
    (e.code !== undefined && NETWORK.has(e.code)) ||
    e.$retryable !== undefined ||
    (e.$metadata?.httpStatusCode ?? 0) >= 500
  );
}

/** The per-item reasons of a cancelled transaction, in the order of its items. */
export function cancellationReasons(error: unknown): string[] | undefined {
  if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') return undefined;
  const reasons = (error as Error & { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
  return reasons.map((r) => r.Code ?? 'None');
}

export const isConditionFailed = (error: unknown): boolean =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';

/** Contention only: every cancelled item failed for a conflict, not a condition. */
export const isContention = (error: unknown): boolean => {
  const reasons = cancellationReasons(error);
  if (reasons)
    return reasons.some((r) => r === 'TransactionConflict') && !reasons.includes('ConditionalCheckFailed');
  return error instanceof Error && error.name === 'TransactionConflictException';
};

/**
 * Runs a write that may lose to contention (transaction conflicts), retrying with jittered
 * backoff inside the request; `undefined` from `attempt` means "state changed, try again".
 */
export async function withContentionRetry<T>(attempt: () => Promise<T | undefined>, tries = 6): Promise<T> {
  for (let i = 0; i < tries; i++) {
    try {
      const result = await attempt();
      if (result !== undefined) return result;
    } catch (error) {
      if (!isContention(error)) throw error;
    }
    await new Promise((r) => setTimeout(r, Math.random() * 20 * 2 ** i));
  }
  throw new StoreBusyError();
}

export class StoreBusyError extends Error {
  override name = 'StoreBusyError';
}
