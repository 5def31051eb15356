import { recordUser } from '../store/users';

export interface SignUp {
  sub: string;
  email: string | undefined;
  emailVerified: boolean;
}

/**
 * A confirmed sign-up: record the user. (Domain auto-join is added by the domains work.)
 */
export async function onSignUp(user: SignUp, now = new Date().toISOString()): Promise<void> {
  await recordUser(user.sub, user.email ?? null, now);
}
