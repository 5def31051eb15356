import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CognitoError, cognitoRequest, readStackFile } from './cognito';

/**
 * `npm run -s token -- <email> [--unverified]`: prints an ID token of the local stack running with
 * the same PORT / DATA_DIR, on one line of stdout (all else goes to stderr). A new email is signed up
 * and confirmed first, so cognito-local runs the post-confirmation trigger as Cognito would.
 *
 * Only Node built-ins and plain fetch against cognito-local's JSON API: this command must start fast.
 */

/** Every local user has this password; the local stack is for development only. */
export const localPassword = 'Local-Passw0rd!';

export interface TokenIssuer {
  cognitoEndpoint: string;
  userPoolId: string;
  clientId: string;
}

export async function issueToken(
  issuer: TokenIssuer,
  email: string,
  options: { unverified?: boolean } = {},
): Promise<string> {
  const { cognitoEndpoint: endpoint, userPoolId, clientId } = issuer;
  // Usernames are case-sensitive in cognito-local: one spelling per user.
  const username = email.trim().toLowerCase();
  if (!/^[^@\s]+@[^@\s]+$/.test(username)) throw new Error(`Not an email address: ${email}`);

  const status = await userStatus(endpoint, userPoolId, username);
  if (status === undefined) {
    await cognitoRequest(endpoint, 'SignUp', {
      ClientId: clientId,
      Username: username,
      Password: localPassword,
      UserAttributes: [{ Name: 'email', Value: username }],
    }).catch(ignore('UsernameExistsException'));
  }
  if (status !== 'CONFIRMED') {
    // cognito-local hands the trigger `email_verified` only if it is set before confirmation, and
    // accepts it only together with `email`. Unverified means leaving it unset: cognito-local
    // would turn a stored "false" into `email_verified: true` in the token (Boolean("false")).
    if (!options.unverified) {
      await cognitoRequest(endpoint, 'AdminUpdateUserAttributes', {
        UserPoolId: userPoolId,
        Username: username,
        UserAttributes: [
          { Name: 'email', Value: username },
          { Name: 'email_verified', Value: 'true' },
        ],
      });
    }
    // Runs the post-confirmation trigger. NotAuthorized: a concurrent call confirmed it first.
    await cognitoRequest(endpoint, 'AdminConfirmSignUp', {
      UserPoolId: userPoolId,
      Username: username,
    }).catch(ignore('NotAuthorizedException'));
  }
  const { AuthenticationResult } = await cognitoRequest<{ AuthenticationResult: { IdToken: string } }>(
    endpoint,
    'InitiateAuth',
    {
      ClientId: clientId,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: username, PASSWORD: localPassword },
    },
  );
  return AuthenticationResult.IdToken;
}

async function userStatus(
  endpoint: string,
  userPoolId: string,
  username: string,
): Promise<string | undefined> {
  try {
    const user = await cognitoRequest<{ UserStatus: string }>(endpoint, 'AdminGetUser', {
      UserPoolId: userPoolId,
      Username: username,
    });
    return user.UserStatus;
  } catch (error) {
    if (error instanceof CognitoError && error.type === 'UserNotFoundException') return undefined;
    throw error;
  }
}

const ignore = (type: string) => (error: unknown) => {
  if (!(error instanceof CognitoError && error.type === type)) throw error;
};

async function main(args: string[]): Promise<number> {
  const unverified = args.includes('--unverified');
  const emails = args.filter((arg) => arg !== '--unverified');
  if (emails.length !== 1 || emails[0]?.startsWith('-')) {
    console.error('usage: npm run -s token -- <email> [--unverified]');
    return 2;
  }
  const dataDir = process.env.DATA_DIR || '.local';
  const stack = await readStackFile(dataDir);
  if (!stack.cognitoEndpoint || !stack.userPoolId || !stack.clientId) {
    console.error(
      `No local stack found in ${resolve(dataDir)}: start it with \`npm start\` (same DATA_DIR).`,
    );
    return 1;
  }
  if (process.env.PORT && Number(process.env.PORT) !== stack.port) {
    console.error(
      `The stack in ${resolve(dataDir)} runs on port ${stack.port}, not PORT=${process.env.PORT}.`,
    );
    return 1;
  }
  try {
    const token = await issueToken(
      { cognitoEndpoint: stack.cognitoEndpoint, userPoolId: stack.userPoolId, clientId: stack.clientId },
      emails[0] as string,
      { unverified },
    );
    process.stdout.write(`${token}\n`);
    return 0;
  } catch (error) {
    const refused =
      error instanceof TypeError && /ECONNREFUSED/.test(String((error.cause as Error)?.message));
    console.error(
      refused
        ? `The local stack is not running (nothing answers on ${stack.cognitoEndpoint}): start it with \`npm start\`.`
        : `Could not get a token: ${error instanceof Error ? error.message : error}`,
    );
    return 1;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
