import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

/** Cognito trigger names as lib/routes.ts `triggers` spells them. */
const triggerOperations: Readonly<Record<string, cognito.UserPoolOperation>> = {
  PostConfirmation: cognito.UserPoolOperation.POST_CONFIRMATION,
};

export interface IdentityProps {
  readonly stage: string;
  /** Production: the pool is deletion-protected and kept when the stack goes. */
  readonly production: boolean;
}

/**
 * The user pool (email is the username, verified by email) and the one app client the API
 * trusts: a public client (no secret) that signs in with SRP and refreshes with its refresh token.
 * The API accepts the client's ID tokens (see api.ts).
 */
export class Identity extends Construct {
  readonly userPool: cognito.UserPool;
  readonly client: cognito.UserPoolClient;

  constructor(scope: Construct, id: string, props: IdentityProps) {
    super(scope, id);

    this.userPool = new cognito.UserPool(this, 'UserPool', {
      userPoolName: `accounts-${props.stage}`,
      selfSignUpEnabled: true,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      // An email change stays pending (and the old address in force) until the new one is verified.
      keepOriginal: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      mfa: cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      featurePlan: cognito.FeaturePlan.ESSENTIALS,
      deletionProtection: props.production,
      removalPolicy: props.production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG2',
      reason:
        'MFA is offered (TOTP, optional) but not required: self sign-up of B2B SaaS users must work with ' +
        'email and password alone; requiring MFA is a product decision for a later stage.',
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG8',
      reason:
        'The Essentials feature plan is used on purpose: threat protection (Plus plan) is billed per ' +
        'monthly active user and is not required by the service contract; revisit before a public launch.',
    });

    this.client = this.userPool.addClient('AppClient', {
      generateSecret: false,
      authFlows: { userSrp: true },
      disableOAuth: true,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      readAttributes: new cognito.ClientAttributes().withStandardAttributes({
        email: true,
        emailVerified: true,
      }),
      writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ email: true }),
    });
  }

  /** Wires a function as the named Cognito trigger (`PostConfirmation`, as lib/routes.ts names it). */
  addTrigger(name: string, fn: lambda.IFunction): void {
    const operation = triggerOperations[name];
    if (!operation) throw new Error(`Unknown Cognito trigger ${name}`);
    this.userPool.addTrigger(operation, fn);
  }
}
