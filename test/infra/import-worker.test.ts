import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionResource, type Synthesised, synthPublisher } from './synth';

let s: Synthesised;
beforeAll(() => {
  s = synthPublisher({ bundle: false });
}, 120_000);
afterAll(() => s?.cleanup());

describe('the import worker', () => {
  it('consumes its own encrypted queue one message at a time, with partial batch responses', () => {
    // prepare
    const { imports } = s.stack;
    const fnId = s.logicalId(imports.importFunction);
    const queueId = s.logicalId(imports.queue);

    // act
    const mappings = s.template.findResources('AWS::Lambda::EventSourceMapping', {
      Properties: { FunctionName: { Ref: fnId } },
    });

    // assess
    expect(Object.values(mappings).map((m) => m.Properties)).toEqual([
      expect.objectContaining({
        EventSourceArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
        BatchSize: 1,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: 2 },
      }),
    ]);
  });

  it('runs functions/handlers/import.ts on nodejs24.x ARM64 for 10 minutes, the queue hiding a message six times as long', () => {
    // prepare
    const { imports, data, api, media } = s.stack;

    // act
    const fn = functionResource(s.template, s.logicalId(imports.importFunction)).Properties;
    const queue = s.template.toJSON().Resources[s.logicalId(imports.queue)].Properties;

    // assess
    expect(fn).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'functions/handlers/index.handler',
      Timeout: 600,
    });
    expect(queue.VisibilityTimeout).toBeGreaterThanOrEqual(6 * (fn.Timeout as number));
    expect(queue).toMatchObject({
      SqsManagedSseEnabled: true,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [s.logicalId(imports.deadLetterQueue), 'Arn'] }, maxReceiveCount: 3 },
    });
    expect(fn.Environment.Variables).toMatchObject({
      TABLE_NAME: { Ref: s.logicalId(data.table) },
      TOKEN_KEYS_SECRET_ARN: { Ref: s.logicalId(api.tokenKeysSecret) },
      IMPORT_BUCKET: { Ref: s.logicalId(media.bucket) },
      IMPORT_QUEUE_URL: { Ref: s.logicalId(imports.queue) },
      SES_CONFIGURATION_SET: { Ref: s.logicalId(s.stack.sending.configurationSet) },
      SEND_QUEUE_URL: { Ref: s.logicalId(s.stack.sending.queue) },
      PUBLIC_BASE_URL: expect.objectContaining({ 'Fn::Join': expect.any(Array) }),
    });
  });

  it('gives the api the import queue’s URL, and both queues refuse plain HTTP', () => {
    // prepare
    const { imports, api } = s.stack;

    // act
    const env = functionResource(s.template, s.logicalId(api.apiFunction)).Properties.Environment.Variables;

    // assess
    expect(env.IMPORT_QUEUE_URL).toEqual({ Ref: s.logicalId(imports.queue) });
    for (const queue of [imports.queue, imports.deadLetterQueue]) {
      s.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: s.logicalId(queue) }],
        PolicyDocument: {
          Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
        },
      });
    }
  });

  it('raises an alarm on one dead letter and on the function’s errors', () => {
    // prepare
    const { imports, monitoring } = s.stack;

    // act
    const names = monitoring.alarms.map((a) => a.node.id);

    // assess
    expect(names).toEqual(expect.arrayContaining(['ImportDeadLetterAlarm', 'ImportErrorsAlarm', 'ImportThrottlesAlarm']));
    s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [s.logicalId(imports.deadLetterQueue), 'QueueName'] } }],
      Threshold: 1,
    });
  });
});
