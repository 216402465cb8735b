import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  SchedulerClient,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBridgeCampaignScheduler } from '../../functions/adapters/scheduler/eventbridge-scheduler';
import { parseSesEvent } from '../../functions/domain/ses-event';
import { SchedulingConstruct } from '../../infra/constructs/scheduling';
import { actionsOf, functionResource, resourcesOf, type Statement, type Synthesised, statementsOfRole, synthPublisher } from './synth';

// The template is what matters here: bundling is skipped (placeholder assets), so this file is fast.
let s: Synthesised;
let ids: {
  table: string;
  queue: string;
  configurationSet: string;
  api: string;
  send: string;
  feedback: string;
  feedbackDlq: string;
  rule: string;
  group: string;
  schedulerRole: string;
};
let groupName: string;

beforeAll(() => {
  s = synthPublisher({ bundle: false });
  const { data, sending, api, feedback, scheduling } = s.stack;
  ids = {
    table: s.logicalId(data.table),
    // Schedules target the control queue (fire, sweep), apart from the send backlog.
    queue: s.logicalId(sending.controlQueue),
    configurationSet: s.logicalId(sending.configurationSet),
    api: s.logicalId(api.apiFunction),
    send: s.logicalId(sending.sendFunction),
    feedback: s.logicalId(feedback.feedbackFunction),
    feedbackDlq: s.logicalId(feedback.deadLetterQueue),
    rule: s.logicalId(feedback.rule),
    group: s.logicalId(scheduling.scheduleGroup),
    schedulerRole: s.logicalId(scheduling.schedulerRole),
  };
  groupName = (s.template.findResources('AWS::Scheduler::ScheduleGroup')[ids.group] as { Properties: { Name: string } }).Properties.Name;
});

afterAll(() => s?.cleanup());

const roleOf = (fnId: string) => functionResource(s.template, fnId).Properties.Role['Fn::GetAtt'][0];
const envOf = (fnId: string) => functionResource(s.template, fnId).Properties.Environment.Variables;
const getAttArn = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });
const json = (v: unknown) => JSON.stringify(v);
const resourceOf = <T>(type: string, id: string) => {
  const r = s.template.findResources(type)[id] as T | undefined;
  if (!r) throw new Error(`no ${type} ${id} in the template`);
  return r;
};

/** Paths to the leaves (value lists) of an EventBridge pattern object. */
const leafPaths = (pattern: unknown, prefix: string[] = []): string[][] =>
  Array.isArray(pattern) || typeof pattern !== 'object' || pattern === null
    ? [prefix]
    : Object.entries(pattern).flatMap(([key, value]) => leafPaths(value, [...prefix, key]));

const FEEDBACK_MATCHING_TYPES = ['bounce', 'complaint', 'delivery', 'reject', 'send'];
const FEEDBACK_DETAIL_TYPES = ['Email Bounced', 'Email Complaint Received', 'Email Delivered', 'Email Rejected', 'Email Sent'];

/** A Bounce as SES puts it on the default bus (the `detail` is the event-publishing record). */
const sesBounceOnEventBridge = (configurationSet: string) => ({
  version: '0',
  id: 'c3d4e5f6-a7b8-9012-cdef-123456789012',
  'detail-type': 'Email Bounced',
  source: 'aws.ses',
  account: '123456789012',
  time: '2026-03-06T09:00:02Z',
  region: 'eu-west-3',
  resources: [],
  detail: {
    eventType: 'Bounce',
    mail: {
      timestamp: '2026-03-06T09:00:00.000Z',
      source: 'Presse <presse@departement41.fr>',
      messageId: '0100018d-example-000000',
      destination: ['journaliste@example.fr'],
      tags: { 'ses:configuration-set': [configurationSet], campaign: ['c1'], recipient: ['s1'] },
    },
    bounce: {
      bounceType: 'Permanent',
      bounceSubType: 'General',
      bouncedRecipients: [
        { emailAddress: 'journaliste@example.fr', action: 'failed', status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 user unknown' },
      ],
      timestamp: '2026-03-06T09:00:02.000Z',
      feedbackId: '0100018d-feedback-000000',
    },
  },
});

describe('FeedbackConstruct', () => {
  it('publishes the configuration set events the handler records to the default EventBridge bus', () => {
    s.template.resourceCountIs('AWS::SES::ConfigurationSetEventDestination', 1);
    const destination = Object.values(s.template.findResources('AWS::SES::ConfigurationSetEventDestination'))[0] as {
      Properties: {
        ConfigurationSetName: unknown;
        EventDestination: { Enabled: boolean; MatchingEventTypes: string[]; EventBridgeDestination: { EventBusArn: unknown } };
      };
    };
    expect(destination.Properties.ConfigurationSetName).toEqual({ Ref: ids.configurationSet });
    expect(destination.Properties.EventDestination.Enabled).toBe(true);
    expect([...destination.Properties.EventDestination.MatchingEventTypes].sort()).toEqual(FEEDBACK_MATCHING_TYPES);
    // SES only publishes to the default bus.
    expect(json(destination.Properties.EventDestination.EventBridgeDestination.EventBusArn)).toMatch(/:event-bus\/default"/);
  });

  it('routes only this configuration set’s SES events to the feedback function', () => {
    const rule = resourceOf<{ Properties: { EventBusName?: string; State: string; EventPattern: Record<string, unknown> } }>(
      'AWS::Events::Rule',
      ids.rule,
    );
    expect(rule.Properties.EventBusName ?? 'default').toBe('default');
    expect(rule.Properties.State).toBe('ENABLED');
    const pattern = rule.Properties.EventPattern as { source: string[]; 'detail-type': string[]; detail: unknown };
    expect(pattern.source).toEqual(['aws.ses']);
    expect([...pattern['detail-type']].sort()).toEqual(FEEDBACK_DETAIL_TYPES);
    expect(pattern.detail).toEqual({ mail: { tags: { 'ses:configuration-set': [{ Ref: ids.configurationSet }] } } });
  });

  it('targets the function with retries and a dead-letter queue, which EventBridge may write to', () => {
    const rule = resourceOf<{ Properties: { Targets: Record<string, unknown>[] } }>('AWS::Events::Rule', ids.rule);
    expect(rule.Properties.Targets).toHaveLength(1);
    const target = rule.Properties.Targets[0] as {
      Arn: unknown;
      DeadLetterConfig?: { Arn: unknown };
      RetryPolicy?: { MaximumRetryAttempts: number; MaximumEventAgeInSeconds: number };
    };
    expect(target.Arn).toEqual(getAttArn(ids.feedback));
    expect(target.DeadLetterConfig?.Arn).toEqual(getAttArn(ids.feedbackDlq));
    expect(target.RetryPolicy?.MaximumRetryAttempts).toBeGreaterThan(0);
    expect(target.RetryPolicy?.MaximumEventAgeInSeconds).toBeGreaterThanOrEqual(3600);
    s.template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: getAttArn(ids.feedback),
      Principal: 'events.amazonaws.com',
      SourceArn: getAttArn(ids.rule),
    });
    for (const statement of [
      {
        Effect: 'Allow',
        Action: 'sqs:SendMessage',
        Principal: { Service: 'events.amazonaws.com' },
        Condition: { ArnEquals: { 'aws:SourceArn': getAttArn(ids.rule) } },
      },
      { Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
    ]) {
      s.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: ids.feedbackDlq }],
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike(statement)]) },
      });
    }
  });

  it('parks events the handler keeps failing on in the same dead-letter queue, after Lambda’s retries', () => {
    s.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: ids.feedback },
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: getAttArn(ids.feedbackDlq) } },
    });
    const dlq = resourceOf<{ Properties: Record<string, unknown> }>('AWS::SQS::Queue', ids.feedbackDlq);
    expect(dlq.Properties).toMatchObject({ MessageRetentionPeriod: 14 * 24 * 3600, SqsManagedSseEnabled: true });
  });

  it('runs Node.js 24 on ARM64 with only the table name and the key ring’s ARN (the address pepper) in its environment', () => {
    const fn = functionResource(s.template, ids.feedback).Properties;
    expect(fn).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'], Handler: 'functions/handlers/index.handler' });
    expect(fn.LoggingConfig).toMatchObject({ LogGroup: { Ref: expect.any(String) } });
    expect(Object.keys(envOf(ids.feedback)).sort()).toEqual(['NODE_OPTIONS', 'TABLE_NAME', 'TOKEN_KEYS_SECRET_ARN']);
    expect(envOf(ids.feedback).TABLE_NAME).toEqual({ Ref: ids.table });
    expect(envOf(ids.feedback).TOKEN_KEYS_SECRET_ARN).toEqual({ Ref: s.logicalId(s.stack.api.tokenKeysSecret) });
  });

  it('may only write to the table (no reads, no deletes), send to its dead-letter queue, and read the key ring (the address pepper)', () => {
    const statements = statementsOfRole(s.template, roleOf(ids.feedback));
    const dynamo = statements.filter((st) => actionsOf(st).some((a) => a.startsWith('dynamodb:')));
    expect(dynamo.flatMap(actionsOf).sort()).toEqual(['dynamodb:PutItem', 'dynamodb:UpdateItem']);
    for (const st of dynamo) expect(json(resourcesOf(st))).toContain(ids.table);
    const sqsStatements = statements.filter((st) => actionsOf(st).some((a) => a.startsWith('sqs:')));
    expect(sqsStatements.length).toBeGreaterThan(0);
    for (const st of sqsStatements) expect(resourcesOf(st)).toEqual([getAttArn(ids.feedbackDlq)]);
    const secretStatements = statements.filter((st) => actionsOf(st).some((a) => a.startsWith('secretsmanager:')));
    for (const st of secretStatements) expect(resourcesOf(st)).toEqual([{ Ref: s.logicalId(s.stack.api.tokenKeysSecret) }]);
    expect(statements.flatMap(actionsOf).filter((a) => !/^(dynamodb|sqs|secretsmanager|logs):/.test(a))).toEqual([]);
    expect(statements.flatMap(resourcesOf)).not.toContain('*');
  });

  it('matches what SES really publishes, and the handler reads that envelope', () => {
    const event = sesBounceOnEventBridge('communique-config-set');
    const rule = resourceOf<{ Properties: { EventPattern: { source: string[]; 'detail-type': string[]; detail: unknown } } }>(
      'AWS::Events::Rule',
      ids.rule,
    );
    expect(rule.Properties.EventPattern.source).toContain(event.source);
    expect(rule.Properties.EventPattern['detail-type']).toContain(event['detail-type']);
    // Every field the rule filters on in `detail` sits at that path in the real event.
    const paths = leafPaths(rule.Properties.EventPattern.detail);
    expect(paths).toEqual([['mail', 'tags', 'ses:configuration-set']]);
    for (const path of paths) {
      const value = path.reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], event.detail);
      expect(value).toEqual(['communique-config-set']);
    }
    const parsed = parseSesEvent(event);
    expect(parsed).toMatchObject({
      eventType: 'Bounce',
      mail: { messageId: '0100018d-example-000000', tags: { campaign: ['c1'] } },
      bounce: { bounceType: 'Permanent' },
    });
  });
});

describe('SchedulingConstruct', () => {
  it('creates one schedule group, deleted with the stack (campaign sendAt in the table stays the truth)', () => {
    s.template.resourceCountIs('AWS::Scheduler::ScheduleGroup', 1);
    expect(groupName).toMatch(/^[A-Za-z0-9_.-]{1,64}$/);
    s.template.hasResource('AWS::Scheduler::ScheduleGroup', { DeletionPolicy: 'Delete' });
  });

  it('has a role only EventBridge Scheduler of this account and group may assume', () => {
    const role = resourceOf<{
      Properties: {
        AssumeRolePolicyDocument: { Statement: Record<string, unknown>[] };
        ManagedPolicyArns?: unknown[];
        Policies?: unknown[];
      };
    }>('AWS::IAM::Role', ids.schedulerRole);
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { Service: 'scheduler.amazonaws.com' },
        Condition: {
          StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
          ArnEquals: { 'aws:SourceArn': getAttArn(ids.group) },
        },
      },
    ]);
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    expect(role.Properties.Policies).toBeUndefined();
  });

  it('lets that role do nothing but sqs:SendMessage to the control queue', () => {
    const statements = statementsOfRole(s.template, ids.schedulerRole);
    expect(statements.map((st) => ({ Effect: st.Effect, Action: actionsOf(st), Resource: resourcesOf(st) }))).toEqual([
      { Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: [getAttArn(ids.queue)] },
    ]);
  });

  it('lets the api function manage campaign-* schedules of the group only', () => {
    const statements = statementsOfRole(s.template, roleOf(ids.api));
    const schedulerStatements = statements.filter((st) => actionsOf(st).some((a) => a.startsWith('scheduler:')));
    expect(schedulerStatements).toHaveLength(1);
    const st = schedulerStatements[0] as Statement;
    expect(actionsOf(st).sort()).toEqual(['scheduler:CreateSchedule', 'scheduler:DeleteSchedule', 'scheduler:UpdateSchedule']);
    expect(resourcesOf(st)).toHaveLength(1);
    const arn = json(resourcesOf(st)[0]);
    expect(arn).toContain('arn:aws:scheduler:eu-west-3:');
    expect(arn).toContain(`:schedule/${groupName}/campaign-*"`);
  });

  it('lets the api function pass the scheduler role, to EventBridge Scheduler only, and no other role', () => {
    const statements = statementsOfRole(s.template, roleOf(ids.api)) as (Statement & { Condition?: unknown })[];
    const passRole = statements.filter((st) => actionsOf(st).some((a) => a === 'iam:PassRole' || a === 'iam:*' || a === '*'));
    expect(passRole).toHaveLength(1);
    expect(actionsOf(passRole[0]!)).toEqual(['iam:PassRole']);
    expect(resourcesOf(passRole[0]!)).toEqual([getAttArn(ids.schedulerRole)]);
    expect(passRole[0]!.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } });
  });

  it('gives the api function the scheduler settings functions/config.ts reads, and no other function', () => {
    const api = envOf(ids.api);
    expect(api.SCHEDULER_GROUP_NAME).toBe(groupName);
    expect(api.SCHEDULER_ROLE_ARN).toEqual(getAttArn(ids.schedulerRole));
    expect(api.CONTROL_QUEUE_ARN).toEqual(getAttArn(ids.queue));
    expect(api.SEND_QUEUE_ARN).toBeUndefined();
    for (const id of [ids.send, ids.feedback]) {
      expect(Object.keys(envOf(id)).filter((k) => k.startsWith('SCHEDULER_'))).toEqual([]);
      const actions = statementsOfRole(s.template, roleOf(id)).flatMap(actionsOf);
      expect(actions.filter((a) => a.startsWith('scheduler:') || a === 'iam:PassRole')).toEqual([]);
    }
  });

  it('drops a sweep message on the send queue every 5 minutes, after the group and role exist', () => {
    s.template.resourceCountIs('AWS::Scheduler::Schedule', 1);
    const sweep = Object.values(s.template.findResources('AWS::Scheduler::Schedule'))[0] as {
      DependsOn?: string[];
      Properties: { GroupName: string; Name: string; ScheduleExpression: string; State: string; Target: Record<string, unknown> };
    };
    expect(sweep.Properties).toMatchObject({ GroupName: groupName, ScheduleExpression: 'rate(5 minutes)', State: 'ENABLED' });
    expect(sweep.Properties.Name.startsWith('campaign-')).toBe(false);
    expect(sweep.Properties.Target).toMatchObject({ Arn: getAttArn(ids.queue), RoleArn: getAttArn(ids.schedulerRole) });
    expect(JSON.parse(sweep.Properties.Target.Input as string)).toEqual({ type: 'sweep' });
    expect(sweep.DependsOn ?? []).toEqual(expect.arrayContaining([ids.group, ids.schedulerRole]));
  });

  it('covers every call the EventBridge Scheduler adapter makes with the api function’s permission', async () => {
    const client = mockClient(SchedulerClient);
    try {
      client
        .on(CreateScheduleCommand)
        .rejectsOnce(new ConflictException({ message: 'exists', Message: 'exists', $metadata: {} }))
        .resolves({});
      client.on(UpdateScheduleCommand).resolves({});
      client.on(DeleteScheduleCommand).resolves({});
      const adapter = new EventBridgeCampaignScheduler(new SchedulerClient({ region: 'eu-west-3' }), {
        groupName,
        roleArn: 'arn:aws:iam::123456789012:role/scheduler',
        queueArn: 'arn:aws:sqs:eu-west-3:123456789012:send',
      });
      await adapter.schedule('c1', new Date('2030-01-01T09:00:00Z'));
      await adapter.unschedule('c1');

      const granted = statementsOfRole(s.template, roleOf(ids.api))
        .filter((st) => actionsOf(st).some((a) => a.startsWith('scheduler:')))
        .flatMap(actionsOf);
      const calls = client.calls();
      expect(calls.length).toBe(3);
      for (const call of calls) {
        const command = call.args[0] as { constructor: { name: string }; input: { Name?: string; GroupName?: string } };
        expect(granted).toContain(`scheduler:${command.constructor.name.replace(/Command$/, '')}`);
        expect(command.input.GroupName).toBe(groupName);
        expect(command.input.Name).toMatch(/^campaign-/);
      }
    } finally {
      client.restore();
    }
  });

  it.each([
    ['under a minute', Duration.seconds(30)],
    ['not whole minutes', Duration.seconds(90)],
    ['as long as the late cutoff', Duration.minutes(15)],
  ])('rejects a sweep interval %s', (_name, sweepInterval) => {
    const stack = new Stack(new App(), 'Bare', { env: { region: 'eu-west-3' } });
    const controlQueue = new sqs.Queue(stack, 'Queue');
    expect(() => new SchedulingConstruct(stack, 'Scheduling', { controlQueue, sweepInterval })).toThrow(
      /sweepInterval must be whole minutes between 1 and 14/,
    );
  });

  it('accepts a one-minute sweep', () => {
    const stack = new Stack(new App(), 'Bare', { env: { region: 'eu-west-3' } });
    new SchedulingConstruct(stack, 'Scheduling', { controlQueue: new sqs.Queue(stack, 'Queue'), sweepInterval: Duration.minutes(1) });
    Template.fromStack(stack).hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'rate(1 minute)' });
  });
});

describe('PublisherStack outputs for feedback and scheduling', () => {
  it('exposes the schedule group name and the feedback dead-letter queue URL', () => {
    s.template.hasOutput('ScheduleGroupName', { Value: groupName });
    s.template.hasOutput('FeedbackDeadLetterQueueUrl', { Value: { Ref: ids.feedbackDlq } });
  });
});
