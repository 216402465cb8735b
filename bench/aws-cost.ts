/**
 * The AWS bill of a campaign, per 1,000 mails, beyond SES's own $0.10 (issue 13 point 5), from
 * what a local run actually does:
 *   - a campaign of N recipients (default 10,000) on DynamoDB Local and the SES emulator, launch
 *     to finished, every DynamoDB request asked for its consumed capacity (ReturnConsumedCapacity
 *     INDEXES, a middleware on the client), so table and gsi1 units are counted as AWS bills them
 *     (transactional writes at 2 units per item, refused conditional writes at 1);
 *   - then the feedback SES sends for each mail: its Send and Delivery events, recorded through
 *     recordSesEvent on the same store (the feedback Lambda's work), counted the same way;
 *   - SQS: the send messages enqueued, as SendMessageBatch requests, and the Lambda poller's
 *     ReceiveMessage and DeleteMessageBatch at the stack's batch size;
 *   - Lambda GB-seconds: the send worker at its configured memory (512 MB, arm64), billed for
 *     the longer of (a) this process's measured CPU per mail scaled to the vCPU share Lambda
 *     gives that memory and (b) the wall time pacing imposes at the account's rate (every worker
 *     busy for N / rate seconds); the feedback function (256 MB) for the measured wall time of
 *     each event, one invocation per event;
 *   - EventBridge: the SES events published to the default bus (two per mail);
 *   - CloudWatch Logs: the bytes our loggers write during the run, the feedback handler's one
 *     line per event, and Lambda's START/END/REPORT lines per invocation.
 * Figures are printed, never asserted.
 *
 *   npx tsx bench/aws-cost.ts [--recipients 10000] [--rate 14] [--workers 2] [--quick]
 */

import { parseArgs } from 'node:util';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { launchCampaign } from '../functions/app/launch-campaign';
import { type FeedbackOutcome, logFeedbackOutcome, recordSesEvent } from '../functions/app/record-ses-event';
import type { Recipient } from '../functions/domain/campaign';
import { sendQueueSizing } from '../functions/domain/send-time-budget';
import type { SendMessage } from '../functions/ports';
import { logger } from '../functions/worker-wiring';
import {
  clearOutbox,
  fmt,
  freshWiring,
  intOption,
  machineNote,
  runToEnd,
  seedAudience,
  seedRelease,
  startBenchEnv,
  table,
} from './support/send-env';

/**
 * eu-west-3 (Paris) on-demand prices, in USD. NOT read from the AWS price list: written on
 * 2026-11-28 from the author's knowledge (DynamoDB after its November 2024 on-demand price cut),
 * to be checked against https://aws.amazon.com/<service>/pricing/ before anyone relies on them.
 */
const PRICES = {
  readOn: '2026-11-28 (from knowledge, not fetched; check before use)',
  dynamoWriteRequestUnit: 0.7338 / 1e6,
  dynamoReadRequestUnit: 0.1468 / 1e6,
  sqsRequest: 0.4 / 1e6,
  lambdaRequest: 0.2 / 1e6,
  /** arm64 (the stack's functions: infra/constructs/function-defaults.ts). */
  lambdaGbSecondArm: 0.0000133334,
  /** Custom events; events that AWS services publish to the default bus may be free: an upper bound. */
  eventBridgeEvent: 1.0 / 1e6,
  cloudWatchLogsIngestedGb: 0.57,
  sesPer1000: 0.1,
} as const;

/** The stack's figures (infra/constructs/sending.ts, feedback.ts, function-defaults.ts). */
const SEND_MEMORY_MB = 512;
const FEEDBACK_MEMORY_MB = 256;
const SEND_TIMEOUT_S = 60;
/** Lambda gives one full vCPU at 1,769 MB, proportionally less below. */
const FULL_VCPU_MB = 1769;
/** START, END and REPORT lines of one invocation (bytes, about). */
const PLATFORM_LOG_BYTES = 350;
/**
 * Whether the send and feedback functions still write those lines: no, since they keep only the
 * platform's warnings (`platformLogs: 'warnings-only'`, checked in test/infra/publisher-stack.test.ts).
 */
const PER_MAIL_FUNCTIONS_WRITE_PLATFORM_LINES = false;

const usage = 'npx tsx bench/aws-cost.ts [--recipients N] [--rate mails/s] [--workers N] [--quick]';
const { values } = parseArgs({
  options: {
    recipients: { type: 'string' },
    rate: { type: 'string', default: '14' },
    workers: { type: 'string', default: '2' },
    quick: { type: 'boolean', default: false },
  },
});
const recipients = intOption(values.recipients ?? (values.quick ? '1000' : '10000'), 'recipients', usage);
const rate = intOption(values.rate, 'rate', usage);
const workers = intOption(values.workers, 'workers', usage);

interface Meter {
  requests: number;
  readUnits: number;
  writeUnitsTable: number;
  writeUnitsGsi1: number;
  transactItems: number;
  /** Transaction items that write a campaign's recipient (`RCPT#` sort key): the claims and settles. */
  recipientTransactItems: number;
  byCommand: Map<string, number>;
}
const emptyMeter = (): Meter => ({
  requests: 0,
  readUnits: 0,
  writeUnitsTable: 0,
  writeUnitsGsi1: 0,
  transactItems: 0,
  recipientTransactItems: 0,
  byCommand: new Map(),
});

const reads = new Set(['GetItemCommand', 'QueryCommand', 'BatchGetItemCommand', 'TransactGetItemsCommand', 'ScanCommand']);
const capacityCommands = new Set([
  ...reads,
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'BatchWriteItemCommand',
  'TransactWriteItemsCommand',
]);

/** Every request asks for its consumed capacity by index; `meter.current` receives it. */
function meterDynamo(client: DynamoDBClient) {
  const holder = { current: emptyMeter() };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = String((context as { commandName?: string }).commandName ?? 'unknown');
      const input = args.input as Record<string, unknown>;
      if (capacityCommands.has(command)) input.ReturnConsumedCapacity = 'INDEXES';
      const m = holder.current;
      m.requests++;
      m.byCommand.set(command, (m.byCommand.get(command) ?? 0) + 1);
      const items = command === 'TransactWriteItemsCommand' ? (input.TransactItems as unknown[]).length : 0;
      m.transactItems += items;
      if (items > 0) {
        const sortKey = (t: Record<string, { Key?: { sk?: unknown }; Item?: { sk?: unknown } } | undefined>) => {
          const w = t.Update ?? t.Put ?? t.Delete ?? t.ConditionCheck;
          const sk = w?.Key?.sk ?? w?.Item?.sk;
          return typeof sk === 'string' ? sk : ((sk as { S?: string } | undefined)?.S ?? '');
        };
        for (const t of input.TransactItems as Parameters<typeof sortKey>[0][])
          if (sortKey(t).startsWith('RCPT#')) m.recipientTransactItems++;
      }
      let result: Awaited<ReturnType<typeof next>>;
      try {
        result = await next(args);
      } catch (e: unknown) {
        // A refused write is billed all the same (at least one unit; a cancelled transaction, its
        // items' units), but its answer carries no consumed capacity: count it here.
        const name = e instanceof Error ? e.name : '';
        if (name === 'ConditionalCheckFailedException') m.writeUnitsTable += 1;
        if (name === 'TransactionCanceledException') m.writeUnitsTable += 2 * items;
        throw e;
      }
      const raw = (result.output as { ConsumedCapacity?: unknown }).ConsumedCapacity;
      const list = (Array.isArray(raw) ? raw : [raw]).filter(Boolean) as {
        CapacityUnits?: number;
        Table?: { CapacityUnits?: number };
        GlobalSecondaryIndexes?: Record<string, { CapacityUnits?: number }>;
      }[];
      let tableWrites = 0;
      for (const c of list) {
        const gsi = Object.values(c.GlobalSecondaryIndexes ?? {}).reduce((n, g) => n + (g.CapacityUnits ?? 0), 0);
        const tableUnits = c.Table?.CapacityUnits ?? (c.CapacityUnits ?? 0) - gsi;
        if (reads.has(command)) m.readUnits += tableUnits + gsi;
        else {
          tableWrites += tableUnits;
          m.writeUnitsGsi1 += gsi;
        }
      }
      // AWS bills a transactional write at 2 units per item and KB; DynamoDB Local reports less
      // for a group (the items here are under 1 KB each).
      m.writeUnitsTable += items > 0 ? Math.max(tableWrites, 2 * items) : tableWrites;
      return result;
    },
    { step: 'initialize', name: 'benchCapacityMeter' },
  );
  return holder;
}

/** Bytes written to stdout and stderr while `work` runs (our loggers write there, as in Lambda). */
async function logBytesOf<T>(work: () => Promise<T>): Promise<{ value: T; bytes: number }> {
  let bytes = 0;
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  const count =
    (write: typeof out) =>
    (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
      bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
      return (write as (c: string | Uint8Array, ...r: unknown[]) => boolean)(chunk, ...rest);
    };
  process.stdout.write = count(out) as typeof process.stdout.write;
  process.stderr.write = count(err) as typeof process.stderr.write;
  try {
    return { value: await work(), bytes };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
}

const env = await startBenchEnv({ maxSendRate: 1_000_000 });
let exitCode = 0;
try {
  const { wiring } = await freshWiring(env, { concurrency: 4, sendRate: 1_000_000 });
  const { deps } = wiring;

  const meter = meterDynamo(wiring.dynamo);
  const release = await seedRelease(deps);
  const { listId } = await seedAudience(deps, recipients);
  const warm = await seedAudience(deps, Math.min(200, recipients), 'Warm-up');
  await runToEnd(wiring, (await launchCampaign(deps, { releaseId: release.id, listIds: [warm.listId] })).campaign.id);
  await clearOutbox(env.ses!);

  // SQS: what the app enqueues (SendMessageBatch takes 10 messages per request).
  const sqs = { messages: 0, sendRequests: 0 };
  const enqueue = wiring.queue.enqueue.bind(wiring.queue);
  wiring.queue.enqueue = async (messages: readonly SendMessage[]) => {
    sqs.messages += messages.length;
    sqs.sendRequests += Math.ceil(messages.length / 10);
    return enqueue(messages);
  };

  // (1) the campaign, launch to finished
  meter.current = emptyMeter();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const { value: campaignId, bytes: campaignLogBytes } = await logBytesOf(async () => {
    const id = (await launchCampaign(deps, { releaseId: release.id, listIds: [listId] })).campaign.id;
    await runToEnd(wiring, id);
    return id;
  });
  const campaignMs = performance.now() - t0;
  const campaignCpu = process.cpuUsage(cpu0);
  const campaignCpuMs = (campaignCpu.user + campaignCpu.system) / 1000;
  const sending = meter.current;
  const final = await deps.store.getCampaign(campaignId);
  if (final?.status !== 'finished' || final.counts.sent !== recipients) {
    console.error(`campaign did not send to everyone: ${final?.status} ${JSON.stringify(final?.counts)}`);
    exitCode = 1;
  }
  await clearOutbox(env.ses!);

  // (2) feedback: a Send and a Delivery event per mail, as the feedback function records them
  const sent: Recipient[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.store.listRecipients(campaignId, { limit: 1000, cursor });
    sent.push(...page.items);
    cursor = page.cursor;
  } while (cursor);
  const eventOf = (r: Recipient, eventType: 'Send' | 'Delivery') => ({
    'detail-type': eventType === 'Send' ? 'Email Sent' : 'Email Delivered',
    source: 'aws.ses',
    detail: {
      eventType,
      mail: {
        messageId: r.messageId ?? `missing-${r.subscriberId}`,
        destination: [r.email],
        tags: { 'ses:configuration-set': ['communique'], campaign: [campaignId], recipient: [r.subscriberId] },
      },
      ...(eventType === 'Send' ? { send: {} } : { delivery: { recipients: [r.email], smtpResponse: '250 2.6.0 Message received' } }),
    },
  });
  const events = sent.flatMap((r) => [eventOf(r, 'Send'), eventOf(r, 'Delivery')]);
  meter.current = emptyMeter();
  const inFlight = 8;
  const fcpu0 = process.cpuUsage();
  const f0 = performance.now();
  let eventWallMs = 0;
  let next = 0;
  const outcomes: FeedbackOutcome[] = [];
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      for (let i = next++; i < events.length; i = next++) {
        const s = performance.now();
        outcomes.push(await recordSesEvent(deps, events[i]));
        eventWallMs += performance.now() - s;
      }
    }),
  );
  const feedbackMs = performance.now() - f0;
  const fcpu = process.cpuUsage(fcpu0);
  const feedbackCpuMs = (fcpu.user + fcpu.system) / 1000;
  const feedback = meter.current;
  // The feedback handler's one log line per event (functions/handlers/feedback.ts), for the outcomes of this run.
  const { bytes: feedbackLogBytes } = await logBytesOf(async () => {
    for (const outcome of outcomes) logFeedbackOutcome(logger, 'Email Delivered', outcome);
  });

  // (3) the same campaign on a table whose gsi1 projects ALL attributes, as before the INCLUDE
  // projection (issue 11): every claim and settle then rewrote the recipient's index entry too.
  const projectedAll = await freshWiring(env, { concurrency: 4, sendRate: 1_000_000 }, { gsi1Projection: { ProjectionType: 'ALL' } });
  const allMeter = meterDynamo(projectedAll.wiring.dynamo);
  const allRelease = await seedRelease(projectedAll.wiring.deps);
  const allAudience = await seedAudience(projectedAll.wiring.deps, recipients);
  allMeter.current = emptyMeter();
  const allCampaign = (await launchCampaign(projectedAll.wiring.deps, { releaseId: allRelease.id, listIds: [allAudience.listId] })).campaign
    .id;
  await runToEnd(projectedAll.wiring, allCampaign);
  const sendingAll = allMeter.current;
  if ((await projectedAll.wiring.deps.store.getCampaign(allCampaign))?.counts.sent !== recipients) {
    console.error('campaign on the ALL-projection table did not send to everyone');
    exitCode = 1;
  }
  projectedAll.wiring.close();
  await clearOutbox(env.ses!);

  // --- the bill ---------------------------------------------------------------------------
  const per1000 = 1000 / recipients;
  const sizing = sendQueueSizing({ maxSendRate: rate, workers, functionTimeoutSeconds: SEND_TIMEOUT_S });
  const sendInvocations = Math.ceil(sqs.messages / sizing.batchSize);
  const sqsRequests = sqs.sendRequests + 2 * sendInvocations; // + ReceiveMessage and DeleteMessageBatch per invocation
  const cpuMsPerMail = campaignCpuMs / recipients;
  const cpuBoundSeconds = ((campaignCpuMs / 1000) * FULL_VCPU_MB) / SEND_MEMORY_MB;
  const pacedSeconds = (recipients / rate) * workers;
  const sendGbSeconds = Math.max(cpuBoundSeconds, pacedSeconds) * (SEND_MEMORY_MB / 1024);
  const eventWallPerEventMs = eventWallMs / events.length;
  const feedbackGbSeconds = (events.length * Math.max(1, Math.ceil(eventWallPerEventMs)) * FEEDBACK_MEMORY_MB) / 1024 / 1000;
  const platformLogBytes = PER_MAIL_FUNCTIONS_WRITE_PLATFORM_LINES ? (sendInvocations + events.length) * PLATFORM_LOG_BYTES : 0;
  const logBytes = campaignLogBytes + feedbackLogBytes + platformLogBytes;

  const rows: [string, string, number][] = [
    [
      'DynamoDB writes (campaign)',
      `${fmt(sending.writeUnitsTable)} table + ${fmt(sending.writeUnitsGsi1)} gsi1 WRU`,
      (sending.writeUnitsTable + sending.writeUnitsGsi1) * PRICES.dynamoWriteRequestUnit,
    ],
    ['DynamoDB reads (campaign)', `${fmt(sending.readUnits, 1)} RRU`, sending.readUnits * PRICES.dynamoReadRequestUnit],
    [
      'DynamoDB writes (feedback)',
      `${fmt(feedback.writeUnitsTable)} table + ${fmt(feedback.writeUnitsGsi1)} gsi1 WRU`,
      (feedback.writeUnitsTable + feedback.writeUnitsGsi1) * PRICES.dynamoWriteRequestUnit,
    ],
    ['DynamoDB reads (feedback)', `${fmt(feedback.readUnits, 1)} RRU`, feedback.readUnits * PRICES.dynamoReadRequestUnit],
    ['SQS requests', `${fmt(sqsRequests)} (${fmt(sqs.messages)} messages)`, sqsRequests * PRICES.sqsRequest],
    [
      'Lambda send (512 MB arm64)',
      `${fmt(sendInvocations)} inv., ${fmt(sendGbSeconds, 1)} GB-s`,
      sendInvocations * PRICES.lambdaRequest + sendGbSeconds * PRICES.lambdaGbSecondArm,
    ],
    [
      'Lambda feedback (256 MB arm64)',
      `${fmt(events.length)} inv., ${fmt(feedbackGbSeconds, 1)} GB-s`,
      events.length * PRICES.lambdaRequest + feedbackGbSeconds * PRICES.lambdaGbSecondArm,
    ],
    ['EventBridge events', fmt(events.length), events.length * PRICES.eventBridgeEvent],
    ['CloudWatch Logs ingested', `${fmt(logBytes / 1024 / 1024, 2)} MiB`, (logBytes / 1024 ** 3) * PRICES.cloudWatchLogsIngestedGb],
  ];
  const total = rows.reduce((n, r) => n + r[2], 0);

  console.log(
    `aws cost: ${fmt(recipients)} recipients, campaign ${(campaignMs / 1000).toFixed(1)} s, feedback ${(feedbackMs / 1000).toFixed(1)} s; ${machineNote()}`,
  );
  console.log(`prices: eu-west-3 on-demand, ${PRICES.readOn}; SES itself ($${PRICES.sesPer1000} per 1,000) not included`);
  console.log(
    `campaign: ${fmt(sending.requests / recipients, 2)} DynamoDB requests per mail (${[...sending.byCommand]
      .sort((a, b) => b[1] - a[1])
      .map(([c, n]) => `${c.replace(/Command$/, '')} ${fmt(n)}`)
      .join(', ')}); ${fmt(sending.transactItems)} transaction items`,
  );
  console.log(
    `feedback: ${fmt(feedback.requests / events.length, 2)} DynamoDB requests per event; ${fmt(eventWallPerEventMs, 1)} ms wall and ${fmt(feedbackCpuMs / events.length, 2)} ms CPU per event`,
  );
  console.log(
    `send Lambda: ${fmt(cpuMsPerMail, 2)} ms of this process's CPU per mail (SES emulator included), ${fmt(cpuBoundSeconds, 1)} s CPU-bound at ${SEND_MEMORY_MB} MB vs ${fmt(pacedSeconds, 1)} s paced (${workers} workers x ${fmt(recipients)} / ${rate} mails/s): billed the longer; batch size ${sizing.batchSize}\n`,
  );
  console.log(
    table(
      ['item', `counted for ${fmt(recipients)} mails`, '$ per 1,000 mails'],
      rows.map(([name, counted, usd]) => [name, counted, (usd * per1000).toFixed(5)]),
    ),
  );
  console.log(`\ntotal: $${(total * per1000).toFixed(4)} per 1,000 mails on top of SES (target <= $0.01)`);
  const cpuBoundTotal =
    total - rows[5]![2] + sendInvocations * PRICES.lambdaRequest + cpuBoundSeconds * (SEND_MEMORY_MB / 1024) * PRICES.lambdaGbSecondArm;
  console.log(`at an unpaced rate (send Lambda CPU-bound): $${(cpuBoundTotal * per1000).toFixed(4)} per 1,000 mails`);
  // SES publishes its events to the default bus; EventBridge bills no AWS service event there, but
  // this is not settled for SES's event destination, so the total above counts them.
  const withoutEvents = total - events.length * PRICES.eventBridgeEvent;
  console.log(
    `if SES's events on the default bus are free, as AWS service events are: $${(withoutEvents * per1000).toFixed(4)} per 1,000 mails`,
  );
  const campaignWrites = (m: Meter) => (m.writeUnitsTable + m.writeUnitsGsi1) * PRICES.dynamoWriteRequestUnit * per1000;
  console.log(
    `gsi1 projection, the campaign's writes per 1,000 mails: INCLUDE (now) ${fmt(sending.writeUnitsTable * per1000)} table + ${fmt(sending.writeUnitsGsi1 * per1000)} gsi1 WRU, $${campaignWrites(sending).toFixed(5)}; ALL (before) ${fmt(sendingAll.writeUnitsTable * per1000)} table + ${fmt(sendingAll.writeUnitsGsi1 * per1000)} gsi1 WRU as DynamoDB Local reports them, $${campaignWrites(sendingAll).toFixed(5)} (same run)`,
  );
  // DynamoDB Local reports no index units for the items of a transaction. With ALL projected,
  // each claim and settle of a recipient (all in transactions) rewrites its index entry: one
  // more write unit each in AWS. INCLUDE projects none of what they change.
  const modeledAll = sendingAll.recipientTransactItems * PRICES.dynamoWriteRequestUnit * per1000;
  console.log(
    `  ALL, counting the index entry each of the ${fmt(sendingAll.recipientTransactItems * per1000)} claims and settles per 1,000 mails rewrites: +$${modeledAll.toFixed(5)}, so $${(total * per1000 - campaignWrites(sending) + campaignWrites(sendingAll) + modeledAll).toFixed(4)} per 1,000 mails in all`,
  );
  console.log(`FIGURE cost per 1,000 mails beyond SES: $${(total * per1000).toFixed(4)} (target <= $0.01)`);
} finally {
  await env.stop();
}
process.exit(exitCode);
