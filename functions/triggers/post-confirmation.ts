import type { PostConfirmationTriggerEvent } from 'aws-lambda';
import { logger } from '../../lib/http/logger';
import { onSignUp } from '../../lib/operations/sign-up';

/**
 * Cognito post-confirmation trigger: records the user and runs domain auto-join. Only a confirmed
 * sign-up counts; a forgotten-password confirmation changes nothing. Cognito expects the event back.
 *
 * Failure policy: no match, an unverified, missing or malformed email, or an existing membership
 * are normal outcomes and never fail the sign-up. A store outage is different: the SDK retries it,
 * then we log it and rethrow, so Cognito reports the failure to the client instead of the user
 * silently missing their profile and the membership they were promised. The confirmation itself
 * stands in Cognito; both steps are idempotent, so running the trigger again (a redelivery) is safe.
 */
export const handler = async (event: PostConfirmationTriggerEvent): Promise<PostConfirmationTriggerEvent> => {
  if (event.triggerSource !== 'PostConfirmation_ConfirmSignUp') return event;
  const attributes = event.request?.userAttributes ?? {};
  const sub = attributes.sub;
  if (!sub) return event;
  const email = attributes.email;
  try {
    const outcome = await onSignUp({
      sub,
      email: typeof email === 'string' ? email : undefined,
      // Cognito passes attributes as strings; tolerate a boolean all the same.
      emailVerified: String(attributes.email_verified) === 'true',
    });
    logger.info('sign-up recorded', { sub, autoJoin: outcome });
  } catch (error) {
    logger.error('sign-up could not be recorded; Cognito will report the failure', {
      sub,
      error: error as Error,
    });
    throw error;
  }
  return event;
};
