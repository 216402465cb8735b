import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionsOf, functionResource, resourcesOf, type Synthesised, statementsOfRole, synthPublisher } from './synth';

/**
 * Each function's role against the AWS calls its wiring makes, read from the code:
 *   api      functions/wiring.ts buildAwsHttpApp: awsBaseDeps (DynamoStore, SesMailer, SqsSendQueue,
 *            EventBridgeCampaignScheduler, readSecret) + DynamoUserStore + the origin secret;
 *            SesMailer.send (double opt-in confirmations, test sends), SesMailer.ping (/healthz).
 *   send     functions/worker-wiring.ts buildAwsSendDeps: DynamoStore, SesMailer (send,
 *            maxSendRate), SqsSendQueue (a launch fans out), readSecret (key ring); no scheduler
 *            (no SCHEDULER_* in its environment).
 *   feedback functions/worker-wiring.ts buildAwsFeedbackDeps: recordSesEvent writes only
 *            (PutItem, UpdateItem), readSecret (the address pepper in the key ring).
 *   reputation  the same deps; pauseRunningCampaignsForReputation: listCampaigns (Query on gsi1)
 *            and setCampaignStatus (UpdateItem).
 *   import   functions/handlers/import.ts: awsBaseDeps (DynamoStore, SesMailer for double opt-in
 *            confirmations, readSecret) + awsImportDeps (S3ImportFiles get/put under imports/);
 *            it never sends to a queue (the send queue's URL is only there for loadAwsConfig).
 *   The api also launches imports (the import queue) and keeps the wizard's files (imports/*;
 *   the presigned POST is signed with its role, which must hold PutObject).
 * `by: 'lambda'` rows are calls the Lambda service makes with the function's role: logs, the SQS
 * event source, the on-failure destination. Every other row must match a command the function's
 * bundle imports (second test), so no permission outlives the code that needed it.
 */
type Fn = 'api' | 'send' | 'feedback' | 'reputation' | 'import';
interface Row {
  readonly action: string;
  readonly resources: readonly string[];
  readonly by: 'code' | 'lambda' | 'sqs';
}

const STORE_ACTIONS = [
  'dynamodb:BatchGetItem', // BatchGetCommand
  'dynamodb:BatchWriteItem', // BatchWriteCommand
  'dynamodb:DeleteItem', // DeleteCommand, TransactWriteCommand deletes
  'dynamodb:GetItem', // GetCommand (ping included)
  'dynamodb:PutItem', // PutCommand, TransactWriteCommand puts
  'dynamodb:Query', // QueryCommand, on the table and gsi1
  'dynamodb:UpdateItem', // UpdateCommand, TransactWriteCommand updates
];
const store: Row[] = STORE_ACTIONS.map((action) => ({ action, resources: ['table', 'table/index/gsi1'], by: 'code' }));
const logs: Row[] = ['logs:CreateLogStream', 'logs:PutLogEvents'].map((action) => ({ action, resources: ['own log group'], by: 'lambda' }));
const row = (action: string, resources: string[], by: Row['by'] = 'code'): Row => ({ action, resources, by });

const EXPECTED: Record<Fn, Row[]> = {
  api: [
    ...store,
    row('sqs:SendMessage', ['control queue', 'import queue', 'send queue']), // SendMessageBatchCommand (and the redrive's destinations)
    row('sqs:ReceiveMessage', ['dead-letter queue']), // SqsDeadLetters.list
    row('sqs:StartMessageMoveTask', ['dead-letter queue']), // SqsDeadLetters.redrive
    row('sqs:DeleteMessage', ['dead-letter queue'], 'sqs'), // the move task, on the caller's permissions
    row('sqs:GetQueueAttributes', ['dead-letter queue'], 'sqs'),
    row('ses:SendEmail', ['ses configuration set', 'ses identity *']), // SendEmailCommand
    row('ses:GetAccount', ['*']), // GetAccountCommand (ping)
    row('secretsmanager:GetSecretValue', ['admin token', 'key ring', 'origin secret']),
    row('scheduler:CreateSchedule', ['campaign-* schedules']),
    row('scheduler:UpdateSchedule', ['campaign-* schedules']),
    row('scheduler:DeleteSchedule', ['campaign-* schedules']),
    row('iam:PassRole', ['scheduler role']), // RoleArn of Create/UpdateSchedule
    row('s3:GetObject', ['import objects', 'media objects']), // S3MediaStore.readMedia, S3ImportFiles reads
    row('s3:PutObject', ['import objects', 'media objects']), // S3MediaStore.putMedia, S3ImportFiles puts, the presigned POST
    ...logs,
  ],
  send: [
    ...store,
    row('sqs:SendMessage', ['control queue', 'send queue']),
    ...['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage'].map((a) =>
      row(a, ['control queue', 'send queue'], 'lambda'),
    ),
    row('ses:SendEmail', ['ses configuration set', 'ses identity *']),
    row('ses:GetAccount', ['*']), // maxSendRate
    row('secretsmanager:GetSecretValue', ['key ring']),
    ...logs,
  ],
  feedback: [
    row('dynamodb:PutItem', ['table']),
    row('dynamodb:UpdateItem', ['table']),
    row('secretsmanager:GetSecretValue', ['key ring']),
    ...['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'].map((a) => row(a, ['feedback dead-letter queue'], 'lambda')),
    ...logs,
  ],
  reputation: [
    row('dynamodb:Query', ['table/index/gsi1']),
    row('dynamodb:UpdateItem', ['table']),
    row('secretsmanager:GetSecretValue', ['key ring']),
    ...['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'].map((a) => row(a, ['reputation dead-letter queue'], 'lambda')),
    ...logs,
  ],
  import: [
    ...store,
    ...['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage'].map((a) =>
      row(a, ['import queue'], 'lambda'),
    ),
    row('ses:SendEmail', ['ses configuration set', 'ses identity *']), // confirmations on double opt-in lists
    row('secretsmanager:GetSecretValue', ['key ring']),
    row('s3:GetObject', ['import objects']), // S3ImportFiles.readFile
    row('s3:PutObject', ['import objects']), // S3ImportFiles.putRejected, putSettled
    ...logs,
  ],
};

/** IAM actions each SDK command needs (TransactWriteItems is authorised item by item). */
const ACTIONS_OF_COMMAND: Record<string, readonly string[]> = {
  GetCommand: ['dynamodb:GetItem'],
  QueryCommand: ['dynamodb:Query'],
  BatchGetCommand: ['dynamodb:BatchGetItem'],
  PutCommand: ['dynamodb:PutItem'],
  UpdateCommand: ['dynamodb:UpdateItem'],
  DeleteCommand: ['dynamodb:DeleteItem'],
  BatchWriteCommand: ['dynamodb:BatchWriteItem'],
  TransactWriteCommand: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:ConditionCheckItem'],
  SendEmailCommand: ['ses:SendEmail'],
  GetAccountCommand: ['ses:GetAccount'],
  SendMessageBatchCommand: ['sqs:SendMessage'],
  SendMessageCommand: ['sqs:SendMessage'],
  ReceiveMessageCommand: ['sqs:ReceiveMessage'],
  // The move task also needs, on the dead-letter queue, DeleteMessage and GetQueueAttributes, and
  // SendMessage on the queues the messages go back to (SQS acts with the caller's permissions).
  StartMessageMoveTaskCommand: ['sqs:StartMessageMoveTask', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:SendMessage'],
  GetSecretValueCommand: ['secretsmanager:GetSecretValue'],
  GetObjectCommand: ['s3:GetObject'],
  PutObjectCommand: ['s3:PutObject'],
  // Read on the source, write on the destination (S3 checks both on the caller's role).
  CopyObjectCommand: ['s3:GetObject', 's3:PutObject'],
  CreateScheduleCommand: ['scheduler:CreateSchedule', 'iam:PassRole'],
  UpdateScheduleCommand: ['scheduler:UpdateSchedule', 'iam:PassRole'],
  DeleteScheduleCommand: ['scheduler:DeleteSchedule'],
};

let s: Synthesised;
let ids: Record<string, string>;
let fnIds: Record<Fn, string>;

beforeAll(() => {
  s = synthPublisher({ bundle: true });
  const { data, sending, api, feedback, scheduling, edge, reputationGuard, imports } = s.stack;
  fnIds = {
    api: s.logicalId(api.apiFunction),
    send: s.logicalId(sending.sendFunction),
    feedback: s.logicalId(feedback.feedbackFunction),
    reputation: s.logicalId(reputationGuard.guardFunction),
    import: s.logicalId(imports.importFunction),
  };
  ids = {
    table: s.logicalId(data.table),
    queue: s.logicalId(sending.queue),
    controlQueue: s.logicalId(sending.controlQueue),
    dlq: s.logicalId(sending.deadLetterQueue),
    media: s.logicalId(s.stack.media.bucket),
    importQueue: s.logicalId(imports.queue),
    feedbackDlq: s.logicalId(feedback.deadLetterQueue),
    reputationDlq: s.logicalId(reputationGuard.deadLetterQueue),
    configurationSet: s.logicalId(sending.configurationSet),
    adminToken: s.logicalId(api.adminTokenSecret),
    tokenKeys: s.logicalId(api.tokenKeysSecret),
    originSecret: s.logicalId(edge.originVerifySecret),
    schedulerRole: s.logicalId(scheduling.schedulerRole),
  };
}, 180_000);
afterAll(() => s?.cleanup());

const roleOf = (fn: Fn) => functionResource(s.template, fnIds[fn]).Properties.Role['Fn::GetAtt'][0];

/** A readable name for a policy resource, or its JSON when it is none of the known ones. */
function label(fn: Fn, resource: unknown): string {
  const j = JSON.stringify(resource);
  const getAtt = (id: string) => JSON.stringify({ 'Fn::GetAtt': [id, 'Arn'] });
  const ref = (id: string) => JSON.stringify({ Ref: id });
  if (resource === '*') return '*';
  if (j === getAtt(ids.table!)) return 'table';
  if (j === JSON.stringify({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [ids.table, 'Arn'] }, '/index/gsi1']] })) return 'table/index/gsi1';
  if (j === getAtt(ids.queue!)) return 'send queue';
  if (j === getAtt(ids.controlQueue!)) return 'control queue';
  if (j === getAtt(ids.dlq!)) return 'dead-letter queue';
  if (j === JSON.stringify({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [ids.media, 'Arn'] }, '/media/*']] })) return 'media objects';
  if (j === JSON.stringify({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [ids.media, 'Arn'] }, '/imports/*']] })) return 'import objects';
  if (j === getAtt(ids.importQueue!)) return 'import queue';
  if (j === getAtt(ids.feedbackDlq!)) return 'feedback dead-letter queue';
  if (j === getAtt(ids.reputationDlq!)) return 'reputation dead-letter queue';
  if (j === ref(ids.adminToken!)) return 'admin token';
  if (j === ref(ids.tokenKeys!)) return 'key ring';
  if (j === ref(ids.originSecret!)) return 'origin secret';
  if (j === getAtt(ids.schedulerRole!)) return 'scheduler role';
  if (j.includes(':configuration-set/') && j.includes(ref(ids.configurationSet!))) return 'ses configuration set';
  if (j.endsWith(':identity/*"]]}')) return 'ses identity *';
  if (j.includes(':schedule/') && j.endsWith('/campaign-*"]]}')) return 'campaign-* schedules';
  const logGroup = functionResource(s.template, fnIds[fn]).Properties.LoggingConfig as { LogGroup: { Ref: string } };
  if (j === getAtt(logGroup.LogGroup.Ref)) return 'own log group';
  return j;
}

/** The role's policies as `action -> sorted resource names`, every statement an Allow. */
function granted(fn: Fn): Record<string, string[]> {
  const out: Record<string, Set<string>> = {};
  for (const st of statementsOfRole(s.template, roleOf(fn))) {
    expect(st.Effect).toBe('Allow');
    for (const action of actionsOf(st)) {
      out[action] ??= new Set();
      for (const r of resourcesOf(st)) out[action].add(label(fn, r));
    }
  }
  return Object.fromEntries(Object.entries(out).map(([a, r]) => [a, [...r].sort()]));
}

const expected = (fn: Fn) => Object.fromEntries(EXPECTED[fn].map((r) => [r.action, [...r.resources].sort()]));

/** The SDK commands a function's bundle imports (the SDK stays external, so imports keep their names). */
function commandsInBundle(fn: Fn): string[] {
  const assetPath = functionResource(s.template, fnIds[fn]).Metadata?.['aws:asset:path'] as string;
  const code = readFileSync(join(s.outdir, assetPath, 'functions/handlers/index.mjs'), 'utf8');
  const names = [...code.matchAll(/import\{([^}]*)\}from"@aws-sdk\/[a-z0-9-]+"/g)].flatMap((m) =>
    m[1]!.split(',').map((spec) => spec.trim().split(/\s+as\s+/)[0]!),
  );
  return [...new Set(names.filter((n) => n.endsWith('Command')))].sort();
}

describe.each(['api', 'send', 'feedback', 'reputation', 'import'] as const)('the %s function’s role', (fn) => {
  it('allows exactly the calls of its wiring, on exactly their resources', () => {
    expect(granted(fn)).toEqual(expected(fn));
  });

  it('holds no permission for a call its code cannot make (each code row matches a command its bundle imports)', () => {
    const commands = commandsInBundle(fn);
    expect(commands.length).toBeGreaterThan(0);
    for (const c of commands) expect(ACTIONS_OF_COMMAND, `no IAM actions listed for ${c}: add it to the table`).toHaveProperty(c);
    const callable = new Set(commands.flatMap((c) => ACTIONS_OF_COMMAND[c] ?? []));
    const uncalled = EXPECTED[fn].filter((r) => r.by === 'code' && !callable.has(r.action)).map((r) => r.action);
    expect(uncalled).toEqual([]);
  });
});

describe('the api function', () => {
  it('may send mail (confirmations, test sends): SendEmail is in its bundle and its role', () => {
    expect(commandsInBundle('api')).toContain('SendEmailCommand');
    expect(granted('api')['ses:SendEmail']).toEqual(['ses configuration set', 'ses identity *']);
  });
});

describe('the bundles', () => {
  // The nodejs24.x runtime ships the SDK's clients and lib-dynamodb, not @aws-sdk/s3-presigned-post
  // (the import wizard's upload form): an import left external would fail the function at load.
  it.each(['api', 'send', 'feedback', 'reputation', 'import'] as const)(
    'the %s bundle leaves to the runtime only the SDK packages it ships',
    (fn) => {
      const assetPath = functionResource(s.template, fnIds[fn]).Metadata?.['aws:asset:path'] as string;
      const code = readFileSync(join(s.outdir, assetPath, 'functions/handlers/index.mjs'), 'utf8');
      const external = [...new Set([...code.matchAll(/from"(@aws-sdk\/[a-z0-9-]+)[^"]*"/g)].map((m) => m[1]!))];
      expect(external.length).toBeGreaterThan(0);
      expect(external.filter((p) => !/^@aws-sdk\/(client-[a-z0-9-]+|lib-dynamodb)$/.test(p))).toEqual([]);
    },
  );

  it('carries the presigned POST in the api and import bundles', () => {
    for (const fn of ['api', 'import'] as const) {
      const assetPath = functionResource(s.template, fnIds[fn]).Metadata?.['aws:asset:path'] as string;
      const code = readFileSync(join(s.outdir, assetPath, 'functions/handlers/index.mjs'), 'utf8');
      expect(code).toContain('X-Amz-Signature');
      expect(code).not.toContain('"@aws-sdk/s3-presigned-post"');
    }
  });
});
