import { readFileSync } from 'node:fs';
import { App, type Stack, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { addCommuniqueStacks, type CommuniqueAppProps } from '../../infra/communique-app';

const cdkContext = (JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as { context: Record<string, unknown> })
  .context;

/**
 * Synthesises the stacks as `cdk synth` does, with the AwsSolutions pack, and returns each
 * finding as `<construct path> <rule>` (parsed from the validation error, which lists them all).
 */
function nagFindings(props: Partial<CommuniqueAppProps>, extra?: (publisher: Stack) => void): string[] {
  const app = new App({ context: { ...cdkContext, 'aws:cdk:bundling-stacks': [] } });
  const { publisher } = addCommuniqueStacks(app, { env: { region: 'eu-west-3' }, stage: 'nag', ...props });
  extra?.(publisher);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  try {
    app.synth();
    return [];
  } catch (e: unknown) {
    const message = e instanceof Error ? e.message : String(e);
    const findings = [...message.matchAll(/^\s+(\S+) \S+\n\s+Acknowledge with '([^']+)'/gm)].map((m) => `${m[1]} ${m[2]}`);
    if (findings.length === 0) throw e;
    return findings;
  }
}

// Every acknowledgement states its reason next to the resource (infra/constructs/*, acknowledgeRule
// and acknowledgeWildcardResource): a new finding fails here until it is fixed or explained.
describe('cdk-nag AwsSolutions', () => {
  it('finds nothing unacknowledged in the default stacks (no sender domain, the WAF stack in us-east-1)', () => {
    expect(nagFindings({})).toEqual([]);
  });

  it('finds nothing unacknowledged with a sender domain, its hosted zone, alarm e-mail and an existing web ACL', () => {
    expect(
      nagFindings({
        senderDomain: 'presse.example.fr',
        hostedZone: { hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: 'example.fr' },
        dmarcReportAddress: 'dmarc@example.fr',
        alarmEmail: 'exploitation@example.fr',
        webAclArn: 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/shared/00000000-0000-0000-0000-000000000000',
      }),
    ).toEqual([]);
  });

  it('does report a finding nobody acknowledged (the check is live)', () => {
    // A queue that is neither a dead-letter queue nor has one: AwsSolutions-SQS3.
    const findings = nagFindings({}, (publisher) => new sqs.Queue(publisher, 'Unexplained', { enforceSSL: true }));
    expect(findings).toEqual(['Communique-nag/Unexplained/Resource AwsSolutions::AwsSolutions-SQS3']);
  });
});
