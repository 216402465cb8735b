import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { addCommuniqueStacks } from './communique-app';

/**
 * CDK entry. Context (cdk.json or `-c key=value`); docs/deploy.md walks through them:
 *   stage               default "dev"
 *   publicBaseUrl       https URL of the public pages (default: the CloudFront distribution's)
 *   senderDomain        domain the mail is sent from (default: any verified SES identity)
 *   mailFromSubdomain   MAIL FROM label under senderDomain (default "bounce")
 *   hostedZoneId, zoneName   Route 53 public zone of senderDomain: DKIM, MAIL FROM, DMARC records created
 *   dmarcReportAddress  where DMARC aggregate reports go (required with senderDomain)
 *   alarmEmail          address subscribed to the alarm topic
 *   webAclArn           an existing CLOUDFRONT WAF web ACL (default: the stack Communique-<stage>-edge, us-east-1)
 *   tracing             "true" for X-Ray active tracing
 *   sendConcurrency          concurrent send workers (default 2)
 *   sendReservedConcurrency  reserved concurrency of the send function (default none; >= sendConcurrency + 2)
 *   sesMaxSendRate      SES MaxSendRate the send queue's batch size is sized for (default 14)
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
const hostedZoneId = context('hostedZoneId');
const zoneName = context('zoneName');
if ((hostedZoneId === undefined) !== (zoneName === undefined)) {
  throw new Error('context: hostedZoneId and zoneName go together (the Route 53 public zone of senderDomain)');
}

addCommuniqueStacks(app, {
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION ?? 'eu-west-3' },
  description: `Communiqué press-release publisher (${stage})`,
  stage,
  publicBaseUrl: context('publicBaseUrl'),
  senderDomain: context('senderDomain'),
  mailFromSubdomain: context('mailFromSubdomain'),
  hostedZone: hostedZoneId && zoneName ? { hostedZoneId, zoneName } : undefined,
  dmarcReportAddress: context('dmarcReportAddress'),
  alarmEmail: context('alarmEmail'),
  webAclArn: context('webAclArn'),
  tracing: context('tracing') === 'true',
  sendConcurrency: optionalNumber('sendConcurrency'),
  sendReservedConcurrency: optionalNumber('sendReservedConcurrency'),
  sesMaxSendRate: optionalNumber('sesMaxSendRate'),
});

// cdk-nag: `cdk synth` fails on any AwsSolutions finding not acknowledged, with its reason, in
// the construct that owns the resource (infra/constructs/nag-acknowledgements.ts).
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
