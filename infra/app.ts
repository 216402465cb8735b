import { App } from 'aws-cdk-lib';
import { PublisherStack } from './publisher-stack';

/**
 * CDK entry. Context (cdk.json or `-c key=value`):
 *   stage          default "dev"
 *   publicBaseUrl  https URL of the public pages (default: the HTTP API endpoint)
 *   senderDomain   domain the mail is sent from (default: any verified SES identity)
 *   tracing        "true" for X-Ray active tracing
 *   sendConcurrency          concurrent send workers (default 2)
 *   sendReservedConcurrency  reserved concurrency of the send function (default none)
 * Account and region follow the CLI's profile when set (CDK_DEFAULT_*), region default eu-west-3.
 */
const app = new App();

const context = (key: string): string | undefined => {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return undefined;
  return String(value);
};
const optionalNumber = (key: string): number | undefined => {
  const value = context(key);
  return value === undefined ? undefined : Number(value);
};
const stage = context('stage') ?? 'dev';

new PublisherStack(app, `Communique-${stage}`, {
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION ?? 'eu-west-3' },
  description: `Communiqué press-release publisher (${stage})`,
  stage,
  publicBaseUrl: context('publicBaseUrl'),
  senderDomain: context('senderDomain'),
  tracing: context('tracing') === 'true',
  sendConcurrency: optionalNumber('sendConcurrency'),
  sendReservedConcurrency: optionalNumber('sendReservedConcurrency'),
});
