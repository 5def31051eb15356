import type { PostConfirmationTriggerEvent } from 'aws-lambda';
import { onSignUp } from '../../lib/operations/sign-up';

/**
 * Cognito post-confirmation trigger. Only a confirmed sign-up counts; a forgotten-password
 * confirmation changes nothing. Cognito expects the event back.
 */
export const handler = async (event: PostConfirmationTriggerEvent): Promise<PostConfirmationTriggerEvent> => {
  if (event.triggerSource !== 'PostConfirmation_ConfirmSignUp') return event;
  const attributes = event.request.userAttributes;
  const sub = attributes.sub;
  if (!sub) return event;
  await onSignUp({
    sub,
    email: attributes.email,
    emailVerified: attributes.email_verified === 'true',
  });
  return event;
};
