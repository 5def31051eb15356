/**
 * The CDK app (`cdk.json`: `npx tsx infra/app.ts`). One stack per stage, named `Accounts-<stage>`.
 * Synth needs no AWS credentials: without `-c region=…` (or CDK_DEFAULT_REGION) the stack is
 * environment-agnostic and the region is resolved at deploy time.
 */
import { App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { AccountsStack, readStage } from './stack';

const app = new App();
const stage = readStage(app.node);
const region: unknown = app.node.tryGetContext('region');

new AccountsStack(app, `Accounts-${stage}`, {
  description: `Accounts service (${stage})`,
  env: {
    account: process.env.CDK_DEFAULT_ACCOUNT,
    region: typeof region === 'string' && region !== '' ? region : process.env.CDK_DEFAULT_REGION,
  },
});
Tags.of(app).add('service', 'accounts');
Tags.of(app).add('stage', stage);

// Every synth (and so every diff and deploy) runs the AWS Solutions checks; a finding fails it.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

app.synth();
