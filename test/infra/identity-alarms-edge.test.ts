import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORIGIN_VERIFY_HEADER, VIEWER_ADDRESS_HEADER } from '../../functions/http/origin-guard';
import { addCommuniqueStacks } from '../../infra/communique-app';
import { BOUNCE_RATE_THRESHOLD, COMPLAINT_RATE_THRESHOLD } from '../../infra/constructs/monitoring';
import { type Synthesised, synthPublisher, TEST_WEB_ACL_ARN } from './synth';

// Templates only: bundling is skipped (placeholder assets).
let s: Synthesised;
beforeAll(() => {
  s = synthPublisher({
    bundle: false,
    props: {
      senderDomain: 'presse.example.fr',
      hostedZone: { hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: 'example.fr' },
      dmarcReportAddress: 'dmarc@example.fr',
      alarmEmail: 'exploitation@example.fr',
    },
  });
});
afterAll(() => s?.cleanup());

type Resource = { Properties: Record<string, unknown> };
const resources = (type: string) => Object.values(s.template.findResources(type)) as Resource[];

describe('sending identity with a Route 53 hosted zone', () => {
  it('writes the three DKIM CNAMEs, the MAIL FROM MX and SPF, and DMARC p=none with rua into the zone', () => {
    const records = resources('AWS::Route53::RecordSet').map((r) => r.Properties);
    expect(records.every((r) => r.HostedZoneId === 'Z0123456789ABCDEFGHIJ')).toBe(true);
    expect(records.filter((r) => r.Type === 'CNAME')).toHaveLength(3);
    expect(records).toContainEqual(
      expect.objectContaining({
        Type: 'MX',
        Name: 'bounce.presse.example.fr.',
        ResourceRecords: ['10 feedback-smtp.eu-west-3.amazonses.com'],
      }),
    );
    expect(records).toContainEqual(
      expect.objectContaining({ Type: 'TXT', Name: 'bounce.presse.example.fr.', ResourceRecords: ['"v=spf1 include:amazonses.com ~all"'] }),
    );
    expect(records).toContainEqual(
      expect.objectContaining({
        Type: 'TXT',
        Name: '_dmarc.presse.example.fr.',
        ResourceRecords: ['"v=DMARC1; p=none; rua=mailto:dmarc@example.fr"'],
      }),
    );
    expect(records).toHaveLength(6);
  });

  it('requires TLS and turns reputation metrics on in the configuration set', () => {
    s.template.hasResourceProperties('AWS::SES::ConfigurationSet', {
      DeliveryOptions: { TlsPolicy: 'REQUIRE' },
      ReputationOptions: { ReputationMetricsEnabled: true },
    });
  });

  it('refuses a sender domain without a DMARC report address, or outside the zone', () => {
    expect(() => synthPublisher({ bundle: false, props: { senderDomain: 'presse.example.fr' } })).toThrow(/dmarcReportAddress/);
    expect(() =>
      synthPublisher({
        bundle: false,
        props: {
          senderDomain: 'presse.example.fr',
          dmarcReportAddress: 'dmarc@example.fr',
          hostedZone: { hostedZoneId: 'Z1', zoneName: 'autre.fr' },
        },
      }),
    ).toThrow(/not in the hosted zone/);
  });
});

describe('alarms and dashboard', () => {
  const alarms = () => resources('AWS::CloudWatch::Alarm').map((a) => a.Properties);
  const topicRef = () => ({ Ref: s.logicalId(s.stack.monitoring.topic) });

  it('watch the SES bounce rate at 4 % and the complaint rate at 0.08 %, below AWS’s 5 % and 0.1 %', () => {
    expect(BOUNCE_RATE_THRESHOLD).toBe(0.04);
    expect(COMPLAINT_RATE_THRESHOLD).toBe(0.0008);
    for (const [metric, threshold] of [
      ['Reputation.BounceRate', 0.04],
      ['Reputation.ComplaintRate', 0.0008],
    ] as const) {
      s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/SES',
        MetricName: metric,
        Threshold: threshold,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    }
  });

  it('fire on one message in either dead-letter queue', () => {
    for (const q of [s.stack.sending.deadLetterQueue, s.stack.feedback.deadLetterQueue, s.stack.reputationGuard.deadLetterQueue]) {
      s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [s.logicalId(q), 'QueueName'] } }],
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    }
  });

  it('fire on errors and throttles of each function, the send and import backlogs at 15 minutes, the control backlog at 5, and API 5xx', () => {
    const { api, sending, feedback, reputationGuard } = s.stack;
    for (const fn of [api.apiFunction, sending.sendFunction, feedback.feedbackFunction, reputationGuard.guardFunction]) {
      for (const metric of ['Errors', 'Throttles']) {
        s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          Namespace: 'AWS/Lambda',
          MetricName: metric,
          Dimensions: [{ Name: 'FunctionName', Value: { Ref: s.logicalId(fn) } }],
        });
      }
    }
    s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [s.logicalId(s.stack.sending.queue), 'QueueName'] } }],
      Threshold: 900,
    });
    s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/ApiGateway',
      MetricName: '5xx',
      Dimensions: [{ Name: 'ApiId', Value: { Ref: s.logicalId(s.stack.api.httpApi) } }],
    });
    s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [s.logicalId(s.stack.sending.controlQueue), 'QueueName'] } }],
      Threshold: 300,
    });
    s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [s.logicalId(s.stack.imports.queue), 'QueueName'] } }],
      Threshold: 900,
    });
    // 2 SES + 4 DLQ + 5 × 2 functions + send, control and import backlogs + 5xx.
    expect(alarms()).toHaveLength(20);
  });

  it('all notify the SNS topic (alarm and back to OK), which mails the address from context', () => {
    for (const a of alarms()) {
      expect(a.AlarmActions).toEqual([topicRef()]);
      expect(a.OKActions).toEqual([topicRef()]);
    }
    s.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'exploitation@example.fr',
      TopicArn: topicRef(),
    });
  });

  it('have a dashboard of mails per minute, bounce and complaint rates, and queue depth', () => {
    const body = JSON.stringify(resources('AWS::CloudWatch::Dashboard')[0]?.Properties.DashboardBody);
    for (const text of ['Mails per minute', 'Reputation.BounceRate', 'Reputation.ComplaintRate', 'ApproximateNumberOfMessagesVisible']) {
      expect(body).toContain(text);
    }
  });

  it('graph the workers’ EMF mail counts (namespace Communique, service communique)', () => {
    const body = JSON.stringify(resources('AWS::CloudWatch::Dashboard')[0]?.Properties.DashboardBody);
    for (const name of ['MailsSent', 'MailsFailed', 'MailsSkipped', 'MailsSuppressed']) {
      expect(body).toContain(`[\\"Communique\\",\\"${name}\\",\\"service\\",\\"communique\\"`);
    }
  });
});

describe('media bucket', () => {
  it('is private (all public access blocked, TLS only, encrypted, versioned), retained, and named to the api only', () => {
    const id = s.logicalId(s.stack.media.bucket);
    s.template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        VersioningConfiguration: { Status: 'Enabled' },
        BucketEncryption: Match.anyValue(),
      }),
    });
    s.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: id },
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      },
    });
    const withBucket = Object.entries(s.template.findResources('AWS::Lambda::Function')).filter(
      ([, f]) =>
        (f as Resource & { Properties: { Environment?: { Variables: Record<string, unknown> } } }).Properties.Environment?.Variables
          .MEDIA_BUCKET,
    );
    expect(withBucket.map(([fid]) => fid)).toEqual([s.logicalId(s.stack.api.apiFunction)]);
  });
});

describe('automatic pause on a reputation alarm', () => {
  it('routes the bounce and complaint alarms, when they go into ALARM, to the guard function, with retries and a dead-letter queue', () => {
    const { monitoring, reputationGuard } = s.stack;
    const arn = (alarm: object) => ({ 'Fn::GetAtt': [s.logicalId(alarm as never), 'Arn'] });
    s.template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.cloudwatch'],
        'detail-type': ['CloudWatch Alarm State Change'],
        resources: [arn(monitoring.bounceRateAlarm), arn(monitoring.complaintRateAlarm)],
        detail: { state: { value: ['ALARM'] } },
      },
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [s.logicalId(reputationGuard.guardFunction), 'Arn'] },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [s.logicalId(reputationGuard.deadLetterQueue), 'Arn'] } },
          RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 10 }),
        }),
      ],
    });
  });
});

describe('edge', () => {
  const distribution = () => resources('AWS::CloudFront::Distribution')[0]!.Properties.DistributionConfig as Record<string, unknown>;

  it('puts CloudFront with the web ACL in front of the HTTP API, over HTTPS only, with the secret origin header', () => {
    const config = distribution();
    expect(config.WebACLId).toBe(TEST_WEB_ACL_ARN);
    const origin = (config.Origins as Record<string, unknown>[])[0]!;
    expect(JSON.stringify(origin.DomainName)).toContain(s.logicalId(s.stack.api.httpApi));
    expect(origin.CustomOriginConfig).toMatchObject({ OriginProtocolPolicy: 'https-only' });
    const header = (origin.OriginCustomHeaders as { HeaderName: string; HeaderValue: unknown }[])[0]!;
    expect(header.HeaderName).toBe(ORIGIN_VERIFY_HEADER);
    // A dynamic reference resolved at deploy time: the value is not in the template.
    expect(JSON.stringify(header.HeaderValue)).toContain('{{resolve:secretsmanager:');
    expect((config.DefaultCacheBehavior as Record<string, unknown>).ViewerProtocolPolicy).toBe('redirect-to-https');
  });

  it('gives the api the origin secret to check (and nothing else holds it)', () => {
    const env = (s.template.findResources('AWS::Lambda::Function')[s.logicalId(s.stack.api.apiFunction)] as Resource).Properties
      .Environment as { Variables: Record<string, unknown> };
    expect(env.Variables.ORIGIN_VERIFY_SECRET_ARN).toEqual({ Ref: s.logicalId(s.stack.edge.originVerifySecret) });
  });

  it('caches the newsroom, its feeds, the assets and media files; the default behaviour caches nothing and forwards all but Host', () => {
    const config = distribution();
    const behaviors = config.CacheBehaviors as { PathPattern: string; CachePolicyId: unknown; AllowedMethods: string[] }[];
    expect(behaviors.map((b) => b.PathPattern).sort()).toEqual(['/assets/*', '/media/*', '/newsroom*']);
    for (const b of behaviors) {
      expect(b.AllowedMethods).toEqual(['GET', 'HEAD']);
      expect(b.CachePolicyId).toMatchObject({ Ref: expect.any(String) });
    }
    const def = config.DefaultCacheBehavior as Record<string, unknown>;
    expect(def.CachePolicyId).toBe('4135ea2d-6df8-44a3-9df3-4b5a84be39ad'); // CachingDisabled
    expect(def.OriginRequestPolicyId).toBe('b689b0a8-53d0-40ab-baf2-68738e2966ac'); // AllViewerExceptHostHeader
    s.template.hasResourceProperties('AWS::CloudFront::CachePolicy', {
      CachePolicyConfig: Match.objectLike({
        DefaultTTL: 300,
        ParametersInCacheKeyAndForwardedToOrigin: Match.objectLike({ CookiesConfig: { CookieBehavior: 'none' } }),
      }),
    });
  });

  it('sets the viewer address header from the connection in a viewer-request function (the app’s rate limits read it)', () => {
    const fn = resources('AWS::CloudFront::Function')[0]!.Properties;
    expect(fn.FunctionCode).toContain(`event.request.headers['${VIEWER_ADDRESS_HEADER}'] = { value: event.viewer.ip }`);
    const assoc = (distribution().DefaultCacheBehavior as { FunctionAssociations: { EventType: string }[] }).FunctionAssociations;
    expect(assoc).toEqual([expect.objectContaining({ EventType: 'viewer-request' })]);
  });

  it('sends HSTS, frame-ancestors, Referrer-Policy and nosniff through a response headers policy on every behaviour', () => {
    s.template.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: Match.objectLike({
        SecurityHeadersConfig: Match.objectLike({
          StrictTransportSecurity: Match.objectLike({ AccessControlMaxAgeSec: 63_072_000, IncludeSubdomains: true, Override: true }),
          ContentSecurityPolicy: { ContentSecurityPolicy: Match.stringLikeRegexp("frame-ancestors 'none'"), Override: false },
          ReferrerPolicy: { ReferrerPolicy: 'strict-origin-when-cross-origin', Override: false },
          ContentTypeOptions: { Override: true },
        }),
      }),
    });
    const policy = { Ref: s.logicalId(s.stack.edge.responseHeadersPolicy) };
    const config = distribution();
    for (const b of [config.DefaultCacheBehavior, ...(config.CacheBehaviors as unknown[])] as { ResponseHeadersPolicyId: unknown }[]) {
      expect(b.ResponseHeadersPolicyId).toEqual(policy);
    }
  });
});

describe('WAF web ACL (us-east-1 stack)', () => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stacks = addCommuniqueStacks(app, { env: { region: 'eu-west-3' }, stage: 'waf' });

  it('lives in us-east-1, scope CLOUDFRONT, and reaches the publisher stack by a cross-region reference', () => {
    expect(stacks.edgeSecurity?.region).toBe('us-east-1');
    const acl = Template.fromStack(stacks.edgeSecurity!);
    acl.hasResourceProperties('AWS::WAFv2::WebACL', { Scope: 'CLOUDFRONT', DefaultAction: { Allow: {} } });
    const webAclId = JSON.stringify(
      (Object.values(Template.fromStack(stacks.publisher).findResources('AWS::CloudFront::Distribution'))[0] as Resource).Properties
        .DistributionConfig,
    );
    expect(webAclId).toContain('ExportsReader');
  });

  it('runs the AWS IP reputation, common and known-bad-inputs rules, and rate limits on /subscribe, /connexion and everything', () => {
    const acl = Object.values(Template.fromStack(stacks.edgeSecurity!).findResources('AWS::WAFv2::WebACL'))[0] as Resource;
    const rules = acl.Properties.Rules as {
      Name: string;
      Statement: {
        ManagedRuleGroupStatement?: { Name: string };
        RateBasedStatement?: { Limit: number; ScopeDownStatement?: { ByteMatchStatement: { SearchString: string } } };
      };
    }[];
    expect(rules.flatMap((r) => r.Statement.ManagedRuleGroupStatement?.Name ?? [])).toEqual([
      'AWSManagedRulesAmazonIpReputationList',
      'AWSManagedRulesCommonRuleSet',
      'AWSManagedRulesKnownBadInputsRuleSet',
    ]);
    const rate = rules.filter((r) => r.Statement.RateBasedStatement);
    expect(rate.map((r) => [r.Name, r.Statement.RateBasedStatement?.ScopeDownStatement?.ByteMatchStatement.SearchString ?? null])).toEqual([
      ['SubscribeRateLimit', '/subscribe'],
      ['SignInRateLimit', '/connexion'],
      ['GlobalRateLimit', null],
    ]);
  });
});
