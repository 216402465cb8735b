import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendQueueSizing } from '../../functions/domain/send-time-budget';
import { ESM_REQUIRE_BANNER } from '../../infra/constructs/function-defaults';
import { actionsOf, functionResource, resourcesOf, type Synthesised, statementsOfRole, synthPublisher } from './synth';

// One real synthesis (esbuild bundles every handler) shared by the whole file.
let s: Synthesised;
let ids: {
  table: string;
  queue: string;
  dlq: string;
  api: string;
  send: string;
  feedback: string;
  import: string;
  adminToken: string;
  tokenKeys: string;
  httpApi: string;
  configurationSet: string;
};

beforeAll(() => {
  s = synthPublisher({ bundle: true });
  const { data, sending, api, feedback, imports } = s.stack;
  ids = {
    table: s.logicalId(data.table),
    queue: s.logicalId(sending.queue),
    dlq: s.logicalId(sending.deadLetterQueue),
    api: s.logicalId(api.apiFunction),
    send: s.logicalId(sending.sendFunction),
    feedback: s.logicalId(feedback.feedbackFunction),
    import: s.logicalId(imports.importFunction),
    adminToken: s.logicalId(api.adminTokenSecret),
    tokenKeys: s.logicalId(api.tokenKeysSecret),
    httpApi: s.logicalId(api.httpApi),
    configurationSet: s.logicalId(sending.configurationSet),
  };
}, 120_000);

afterAll(() => s?.cleanup());

const roleOf = (fnId: string) => functionResource(s.template, fnId).Properties.Role['Fn::GetAtt'][0];
const envOf = (fnId: string) => functionResource(s.template, fnId).Properties.Environment.Variables;

describe('DataConstruct', () => {
  it('is one on-demand table with pk/sk, gsi1, TTL, PITR and AWS-managed encryption', () => {
    s.template.resourceCountIs('AWS::DynamoDB::Table', 1);
    s.template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: Match.arrayWith([
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
        { AttributeName: 'gsi1pk', AttributeType: 'S' },
        { AttributeName: 'gsi1sk', AttributeType: 'S' },
      ]),
      GlobalSecondaryIndexes: [
        {
          IndexName: 'gsi1',
          KeySchema: [
            { AttributeName: 'gsi1pk', KeyType: 'HASH' },
            { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['email', 'id'] },
        },
      ],
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
    });
  });

  it('is retained when the stack is deleted or the table replaced, and refuses DeleteTable (deletion protection)', () => {
    s.template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    s.template.hasResourceProperties('AWS::DynamoDB::Table', { DeletionProtectionEnabled: true });
  });
});

describe('Lambda functions', () => {
  it('run Node.js 24 (the newest LTS Lambda offers) on ARM64 with source maps and a one-month log group', () => {
    for (const id of [ids.api, ids.send, ids.feedback, ids.import]) {
      const fn = functionResource(s.template, id).Properties;
      expect(fn).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'], Handler: 'functions/handlers/index.handler' });
      expect(envOf(id).NODE_OPTIONS).toBe('--enable-source-maps');
      expect(fn.LoggingConfig).toMatchObject({ LogGroup: { Ref: expect.any(String) } });
    }
    // The five functions' (api, send, feedback, reputation guard, import) and the HTTP API access log.
    s.template.resourcePropertiesCountIs('AWS::Logs::LogGroup', { RetentionInDays: 30 }, 6);
  });

  const assetDir = (id: string) => {
    const assetPath = functionResource(s.template, id).Metadata?.['aws:asset:path'];
    expect(typeof assetPath).toBe('string');
    return join(s.outdir, assetPath as string);
  };

  it('are bundled as ESM with a require shim, leaving the AWS SDK to the runtime and MJML out of the send and feedback workers', () => {
    const bundle = (id: string) => readFileSync(join(assetDir(id), 'functions/handlers/index.mjs'), 'utf8');
    const [api, send, feedback] = [bundle(ids.api), bundle(ids.send), bundle(ids.feedback)];
    for (const code of [api, send, feedback]) {
      expect(code.startsWith(ESM_REQUIRE_BANNER)).toBe(true);
      expect(code).toMatch(/from\s*"@aws-sdk\/client-dynamodb"/);
    }
    expect(api).toMatch(/mj-column/);
    expect(send).not.toMatch(/mj-column/);
    expect(feedback).not.toMatch(/mj-column/);
  });

  it('keep only the platform’s warnings for the per-mail functions (send, feedback), all of them for the others', () => {
    for (const id of [ids.send, ids.feedback])
      expect(functionResource(s.template, id).Properties.LoggingConfig).toMatchObject({ LogFormat: 'JSON', SystemLogLevel: 'WARN' });
    for (const id of [ids.api, ids.import]) {
      const config = functionResource(s.template, id).Properties.LoggingConfig as Record<string, unknown>;
      expect(config.LogFormat).toBeUndefined();
      expect(config.SystemLogLevel).toBeUndefined();
    }
  });

  it('ship the templates where the api bundle looks for them (../../templates/ from functions/handlers/)', () => {
    expect(existsSync(join(assetDir(ids.api), 'functions/handlers/index.mjs.map'))).toBe(true);
    expect(existsSync(join(assetDir(ids.api), 'templates/mail/press-release.mjml.hbs'))).toBe(true);
    expect(existsSync(join(assetDir(ids.send), 'templates'))).toBe(false);
    expect(existsSync(join(assetDir(ids.feedback), 'templates'))).toBe(false);
  });

  it('get the documented environment contract, secrets by ARN only', () => {
    const api = envOf(ids.api);
    const send = envOf(ids.send);
    expect(Object.keys(api).sort()).toEqual([
      'ADMIN_TOKEN_SECRET_ARN',
      'CONTROL_QUEUE_ARN',
      'CONTROL_QUEUE_URL',
      'DEAD_LETTER_QUEUE_ARN',
      'DEAD_LETTER_QUEUE_URL',
      'IMPORT_QUEUE_URL',
      'MEDIA_BUCKET',
      'NODE_OPTIONS',
      'ORIGIN_VERIFY_SECRET_ARN',
      'PUBLIC_BASE_URL',
      'SCHEDULER_GROUP_NAME',
      'SCHEDULER_ROLE_ARN',
      'SEND_QUEUE_URL',
      'SES_CONFIGURATION_SET',
      'TABLE_NAME',
      'TOKEN_KEYS_SECRET_ARN',
    ]);
    expect(Object.keys(send).sort()).toEqual([
      'CONTROL_QUEUE_URL',
      'NODE_OPTIONS',
      'PUBLIC_BASE_URL',
      'SEND_CONCURRENCY',
      'SEND_MAX_RECEIVES',
      'SEND_QUEUE_URL',
      'SES_CONFIGURATION_SET',
      'TABLE_NAME',
      'TOKEN_KEYS_SECRET_ARN',
      'UNCOVERED_AFTER_SECONDS',
    ]);
    for (const env of [api, send]) {
      expect(env.TABLE_NAME).toEqual({ Ref: ids.table });
      expect(env.SEND_QUEUE_URL).toEqual({ Ref: ids.queue });
      expect(env.SES_CONFIGURATION_SET).toEqual({ Ref: ids.configurationSet });
      // Ref of an AWS::SecretsManager::Secret is its ARN: the value itself never reaches the template.
      expect(env.TOKEN_KEYS_SECRET_ARN).toEqual({ Ref: ids.tokenKeys });
      expect(JSON.stringify(env)).not.toMatch(/resolve:secretsmanager|SecretString/);
    }
    expect(api.ADMIN_TOKEN_SECRET_ARN).toEqual({ Ref: ids.adminToken });
  });

  it('default PUBLIC_BASE_URL to the CloudFront distribution (the API endpoint refuses direct calls)', () => {
    const distribution = s.logicalId(s.stack.edge.distribution);
    for (const id of [ids.api, ids.send]) {
      expect(envOf(id).PUBLIC_BASE_URL).toEqual({ 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distribution, 'DomainName'] }]] });
    }
  });
});

describe('SendingConstruct', () => {
  it('feeds the send function from the send queue, batches sized by sendQueueSizing (14 mails/s, 2 workers, 60 s: 5 messages of 50)', () => {
    const sizing = sendQueueSizing({ maxSendRate: 14, workers: 2, functionTimeoutSeconds: 60 });
    expect(sizing.batchSize).toBe(5);
    expect(s.stack.sending.sizing).toEqual(sizing);
    // Send and control queues, and the import queue (test/infra/import-worker.test.ts).
    s.template.resourceCountIs('AWS::Lambda::EventSourceMapping', 3);
    s.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: ids.send },
      EventSourceArn: { 'Fn::GetAtt': [ids.queue, 'Arn'] },
      BatchSize: sizing.batchSize,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    const queue = s.template.findResources('AWS::SQS::Queue')[ids.queue] as { Properties: { VisibilityTimeout: number } };
    expect(queue.Properties.VisibilityTimeout).toBe(sizing.visibilityTimeoutSeconds);
    expect(envOf(ids.send).UNCOVERED_AFTER_SECONDS).toBe(String(sizing.uncoveredAfterSeconds));
    expect(envOf(ids.send).SEND_MAX_RECEIVES).toBe('5');
  });

  it('feeds control messages (fire, sweep, launch) from their own queue, one per invocation, so a send backlog cannot delay them', () => {
    const control = s.logicalId(s.stack.sending.controlQueue);
    s.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: ids.send },
      EventSourceArn: { 'Fn::GetAtt': [control, 'Arn'] },
      BatchSize: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 2 },
    });
    s.template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [ids.dlq, 'Arn'] }, maxReceiveCount: 5 },
    });
    for (const id of [ids.api, ids.send]) expect(envOf(id).CONTROL_QUEUE_URL).toEqual({ Ref: control });
  });

  it('runs 2 workers by default, and tells them so they share the SES send rate', () => {
    s.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { ScalingConfig: { MaximumConcurrency: 2 } });
    expect(envOf(ids.send).SEND_CONCURRENCY).toBe('2');
    expect(functionResource(s.template, ids.send).Properties.ReservedConcurrentExecutions).toBeUndefined();
  });

  it('redrives to the DLQ after 5 receives, with a visibility timeout of at least 6 send timeouts', () => {
    const send = functionResource(s.template, ids.send).Properties;
    expect(send.Timeout).toBe(60);
    s.template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [ids.dlq, 'Arn'] }, maxReceiveCount: 5 },
      SqsManagedSseEnabled: true,
    });
    const queue = s.template.findResources('AWS::SQS::Queue')[ids.queue] as { Properties: { VisibilityTimeout: number } };
    expect(queue.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * 60);
    s.template.hasResourceProperties('AWS::SQS::Queue', { MessageRetentionPeriod: 14 * 24 * 3600, SqsManagedSseEnabled: true });
  });

  it('refuses non-TLS access to both queues', () => {
    for (const id of [ids.queue, ids.dlq]) {
      s.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: id }],
        PolicyDocument: {
          Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
        },
      });
    }
  });

  it('has an SES configuration set that suppresses bounces and complaints', () => {
    s.template.hasResourceProperties('AWS::SES::ConfigurationSet', {
      SuppressionOptions: { SuppressedReasons: Match.arrayWith(['BOUNCE', 'COMPLAINT']) },
    });
  });
});

describe('least privilege', () => {
  it('the send function may send mail only through named identities and the configuration set', () => {
    const statements = statementsOfRole(s.template, roleOf(ids.send));
    const sendStatements = statements.filter((st) => actionsOf(st).some((a) => /^ses:(SendEmail|SendRawEmail|\*)$/.test(a)));
    expect(sendStatements).toHaveLength(1);
    const resources = resourcesOf(sendStatements[0]!);
    expect(resources).not.toContain('*');
    expect(JSON.stringify(resources)).toContain(':identity/');
    expect(JSON.stringify(resources)).toContain(':configuration-set/');
    // GetAccount is the only SES action on "*" (it has no resource-level permissions).
    const wildcard = statements.filter((st) => resourcesOf(st).includes('*'));
    expect(wildcard.flatMap(actionsOf)).toEqual(['ses:GetAccount']);
  });

  it('only the api function reads the admin token; both read the link key ring', () => {
    const readers = (secretId: string) =>
      [ids.api, ids.send].filter((fn) =>
        statementsOfRole(s.template, roleOf(fn)).some(
          (st) =>
            actionsOf(st).includes('secretsmanager:GetSecretValue') &&
            resourcesOf(st).some((r) => JSON.stringify(r) === JSON.stringify({ Ref: secretId })),
        ),
      );
    expect(readers(ids.adminToken)).toEqual([ids.api]);
    expect(readers(ids.tokenKeys)).toEqual([ids.api, ids.send]);
  });

  it('both functions may enqueue send messages', () => {
    for (const fn of [ids.api, ids.send]) {
      const statements = statementsOfRole(s.template, roleOf(fn));
      expect(
        statements.some(
          (st) => actionsOf(st).includes('sqs:SendMessage') && resourcesOf(st).some((r) => JSON.stringify(r).includes(ids.queue)),
        ),
      ).toBe(true);
    }
  });
});

describe('ApiConstruct', () => {
  it('is an HTTP API whose $default route proxies to the api function', () => {
    s.template.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP' });
    s.template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      IntegrationUri: { 'Fn::GetAtt': [ids.api, 'Arn'] },
      PayloadFormatVersion: '2.0',
    });
    s.template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      ApiId: { Ref: ids.httpApi },
      RouteKey: '$default',
      Target: Match.anyValue(),
    });
    s.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      ApiId: { Ref: ids.httpApi },
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: Match.objectLike({ ThrottlingRateLimit: Match.anyValue(), ThrottlingBurstLimit: Match.anyValue() }),
    });
    s.template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [ids.api, 'Arn'] },
      Principal: 'apigateway.amazonaws.com',
    });
  });

  it('generates its secrets (admin token, key ring, origin header) in Secrets Manager, never in the template', () => {
    s.template.resourceCountIs('AWS::SecretsManager::Secret', 3);
    s.template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: { ExcludePunctuation: true, PasswordLength: 48 },
    });
    s.template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({ SecretStringTemplate: JSON.stringify({ currentKeyId: 'k1' }), GenerateStringKey: 'k1' }),
    });
    s.template.allResourcesProperties('AWS::SecretsManager::Secret', { SecretString: Match.absent() });
    // Old mails keep working links only if the key ring outlives the stack.
    expect(s.template.findResources('AWS::SecretsManager::Secret')[ids.tokenKeys]).toMatchObject({ DeletionPolicy: 'Retain' });
  });
});

describe('PublisherStack outputs', () => {
  it('exposes the API URL, table name, queue URL and admin token secret ARN', () => {
    s.template.hasOutput('ApiUrl', { Value: Match.anyValue() });
    s.template.hasOutput('TableName', { Value: { Ref: ids.table } });
    s.template.hasOutput('SendQueueUrl', { Value: { Ref: ids.queue } });
    s.template.hasOutput('AdminTokenSecretArn', { Value: { Ref: ids.adminToken } });
  });
});
