/** The caller, as the authorizer's verified ID-token claims describe them. */
export interface Caller {
  sub: string;
  email: string | undefined;
  emailVerified: boolean;
}
