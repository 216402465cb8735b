import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataConstruct } from '../../infra/constructs/data';
import { SendingConstruct } from '../../infra/constructs/sending';
import { actionsOf, functionResource, resourcesOf, type Synthesised, statementsOfRole, synthPublisher } from './synth';

// Context-driven variants: bundling is skipped (placeholder assets), the template is what matters.
describe('PublisherStack with publicBaseUrl, senderDomain and sendConcurrency', () => {
  let s: Synthesised;
  beforeAll(() => {
    s = synthPublisher({
      bundle: false,
      props: {
        publicBaseUrl: 'https://presse.example.fr',
        senderDomain: 'presse.example.fr',
        dmarcReportAddress: 'dmarc@example.fr',
        sendConcurrency: 4,
        sendReservedConcurrency: 6,
      },
    });
  });
  afterAll(() => s?.cleanup());

  it('puts the public base URL in both functions', () => {
    for (const fn of [s.stack.api.apiFunction, s.stack.sending.sendFunction]) {
      expect(functionResource(s.template, s.logicalId(fn)).Properties.Environment.Variables.PUBLIC_BASE_URL).toBe(
        'https://presse.example.fr',
      );
    }
  });

  it('creates the SES domain identity: configuration set by default, Easy DKIM 2048-bit, MAIL FROM bounce.<domain>', () => {
    s.template.hasResourceProperties('AWS::SES::EmailIdentity', {
      EmailIdentity: 'presse.example.fr',
      ConfigurationSetAttributes: { ConfigurationSetName: { Ref: s.logicalId(s.stack.sending.configurationSet) } },
      DkimAttributes: { SigningEnabled: true },
      DkimSigningAttributes: { NextSigningKeyLength: 'RSA_2048_BIT' },
      MailFromAttributes: { MailFromDomain: 'bounce.presse.example.fr', BehaviorOnMxFailure: 'REJECT_MESSAGE' },
    });
  });

  it('without a hosted zone, creates no DNS record and lists the six to create as outputs (3 DKIM, MAIL FROM MX and SPF, DMARC)', () => {
    s.template.resourceCountIs('AWS::Route53::RecordSet', 0);
    const outputs = Object.entries(s.template.findOutputs('*')).filter(([id]) => id.startsWith('SenderDnsRecord'));
    expect(outputs).toHaveLength(6);
    const values = outputs.map(([, o]) => JSON.stringify((o as { Value: unknown }).Value));
    expect(values.filter((v) => v.includes(' CNAME '))).toHaveLength(3);
    expect(values).toContainEqual(expect.stringContaining('bounce.presse.example.fr MX 10 feedback-smtp.'));
    expect(values).toContainEqual(expect.stringContaining('bounce.presse.example.fr TXT \\"v=spf1 include:amazonses.com ~all\\"'));
    expect(values).toContainEqual(
      expect.stringContaining('_dmarc.presse.example.fr TXT \\"v=DMARC1; p=none; rua=mailto:dmarc@example.fr\\"'),
    );
  });

  it('lets the send and api functions send from that domain only, through the configuration set', () => {
    for (const fn of [s.stack.sending.sendFunction, s.stack.api.apiFunction]) {
      const role = functionResource(s.template, s.logicalId(fn)).Properties.Role['Fn::GetAtt'][0];
      const statements = statementsOfRole(s.template, role) as (ReturnType<typeof statementsOfRole>[number] & { Condition?: unknown })[];
      const sendStatements = statements.filter((st) => actionsOf(st).some((a) => a.startsWith('ses:Send')));
      expect(sendStatements).toHaveLength(1);
      const st = sendStatements[0]!;
      expect(actionsOf(st)).toEqual(['ses:SendEmail']);
      const resources = JSON.stringify(resourcesOf(st));
      expect(resources).toContain(':identity/presse.example.fr"');
      expect(resources).toContain(':configuration-set/"');
      expect(resourcesOf(st)).toHaveLength(2);
      expect(st.Condition).toEqual({ StringLike: { 'ses:FromAddress': '*@presse.example.fr' } });
    }
  });

  it('caps the send workers at the event source and tells them their number', () => {
    const send = functionResource(s.template, s.logicalId(s.stack.sending.sendFunction));
    s.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { ScalingConfig: { MaximumConcurrency: 4 } });
    expect(send.Properties.Environment.Variables.SEND_CONCURRENCY).toBe('4');
    expect(send.Properties.ReservedConcurrentExecutions).toBe(6);
  });
});

describe('props validation', () => {
  it.each([
    ['a stage with capitals', { stage: 'Prod' }, /stage must match/],
    ['an http public base URL', { publicBaseUrl: 'http://presse.example.fr' }, /publicBaseUrl must be an absolute https URL/],
    ['a relative public base URL', { publicBaseUrl: 'presse.example.fr' }, /publicBaseUrl must be an absolute https URL/],
    ['a sender address instead of a domain', { senderDomain: 'presse@example.fr' }, /senderDomain must be a domain name/],
    ['a send concurrency of 1', { sendConcurrency: 1 }, /maxConcurrency must be an integer between 2 and 1000/],
    [
      'a reserved concurrency below the send concurrency plus the control queue’s two workers',
      { sendConcurrency: 4, sendReservedConcurrency: 5 },
      /reservedConcurrency must be an integer of at least maxConcurrency \+ 2 \(6\)/,
    ],
  ])('rejects %s', (_name, props, message) => {
    expect(() => synthPublisher({ bundle: false, props })).toThrow(message);
  });

  it('refuses to synthesise a SendingConstruct whose links were never configured', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'Unlinked', { env: { region: 'eu-west-3' } });
    new SendingConstruct(stack, 'Sending', { table: new DataConstruct(stack, 'Data').table });
    expect(() => Template.fromStack(stack)).toThrow(/configureLinks/);
  });
});
