/**
 * End-to-end send throughput against the local emulators, as a ratio to the physical limit.
 *
 * In one run, with DynamoDB Local (in memory, its own JVM) and the SES emulator (in this process,
 * as `npm start` runs it) on free ports:
 *   (a) the limit: a plain loop of SESv2 `SendEmail` calls, one per recipient, each carrying the
 *       personalised seed mail a real campaign sends, once with as many in flight as there are
 *       queue workers (4) and once with as many as the campaign can have (4 workers x 8
 *       recipients in flight each); the faster of the two is the limit;
 *   (b) the product: a campaign of the same seed release to the same recipients, launch to
 *       finished (compile, audience snapshot into the ledger, claims and outcomes written to
 *       the ledger in groups around one SES call per recipient), pacing lifted far above what the emulator can take, after a 200-recipient
 *       warm-up campaign.
 * Prints both rates and the ratio (issue 5 target: >= 0.8), and where the CPU goes: this
 * process's (our code, the SDK, the SES emulator) and DynamoDB Local's JVM, per mail, with the
 * DynamoDB requests per mail. Times are printed, never asserted; the run fails only on errors or
 * if a mail is missing or doubled.
 *
 *   npx tsx bench/send-throughput.ts [--recipients 10000] [--concurrency 4] [--seed 000|001] [--quick]
 */

import { parseArgs } from 'node:util';
import { SESv2Client, SendEmailCommand, type SendEmailCommandInput } from '@aws-sdk/client-sesv2';
import { formatAddress } from '../functions/adapters/ses/ses-mailer';
import { launchCampaign } from '../functions/app/launch-campaign';
import { MAX_IN_FLIGHT } from '../functions/app/send-batch';
import type { Mailer } from '../functions/ports';
import {
  clearOutbox,
  countDynamoRequests,
  dynamoCpuMs,
  fmt,
  freshWiring,
  intOption,
  machineNote,
  runToEnd,
  seedAudience,
  seedMail,
  seedRelease,
  startBenchEnv,
  table,
} from './support/send-env';

const usage = 'npx tsx bench/send-throughput.ts [--recipients N] [--concurrency N] [--seed 000|001] [--quick]';
const { values } = parseArgs({
  options: {
    recipients: { type: 'string' },
    concurrency: { type: 'string', default: '4' },
    seed: { type: 'string', default: '000' },
    quick: { type: 'boolean', default: false },
  },
});
const recipients = intOption(values.recipients ?? (values.quick ? '1000' : '10000'), 'recipients', usage);
const concurrency = intOption(values.concurrency, 'concurrency', usage);
if (values.seed !== '000' && values.seed !== '001') {
  console.error(`--seed must be 000 or 001\nusage: ${usage}`);
  process.exit(2);
}
const seed = values.seed;

const env = await startBenchEnv({ maxSendRate: 1_000_000 });
const ses = env.ses!;
let exitCode = 0;
try {
  // Prepare: one table, the seed release, N recipients; the campaign's mailer timestamps SES calls.
  const sendTimes: number[] = [];
  const latency = { send: 0 };
  /** Group writes of the ledger: how many, how many recipients, total latency. */
  const groups = { claim: { writes: 0, items: 0, ms: 0 }, settle: { writes: 0, items: 0, ms: 0 } };
  const { wiring } = await freshWiring(env, {
    concurrency,
    sendRate: 1_000_000,
    wrapMailer: (inner): Mailer => ({
      async send(mail) {
        const start = performance.now();
        const r = await inner.send(mail);
        const end = performance.now();
        latency.send += end - start;
        sendTimes.push(end);
        return r;
      },
      ping: () => inner.ping(),
    }),
  });
  const { deps } = wiring;
  const requests = countDynamoRequests(wiring.dynamo);
  // Where a recipient's time goes: the ledger's group writes (claims, outcomes) around the SES calls.
  const claim = deps.store.claimRecipients.bind(deps.store);
  const settle = deps.store.settleRecipients.bind(deps.store);
  deps.store.claimRecipients = async (campaignId, ids, at) => {
    const start = performance.now();
    try {
      return await claim(campaignId, ids, at);
    } finally {
      groups.claim.writes++;
      groups.claim.items += ids.length;
      groups.claim.ms += performance.now() - start;
    }
  };
  deps.store.settleRecipients = async (campaignId, settlements, at) => {
    const start = performance.now();
    try {
      return await settle(campaignId, settlements, at);
    } finally {
      groups.settle.writes++;
      groups.settle.items += settlements.length;
      groups.settle.ms += performance.now() - start;
    }
  };
  const release = await seedRelease(deps, seed);
  const seedStart = performance.now();
  const { listId, domain } = await seedAudience(deps, recipients);
  const warmList = await seedAudience(deps, Math.min(200, recipients), 'Warm-up');
  const campaignInFlight = concurrency * MAX_IN_FLIGHT;
  console.log(
    `send throughput: ${fmt(recipients)} recipients written to DynamoDB Local in ${((performance.now() - seedStart) / 1000).toFixed(1)} s; seed ${seed}, ${concurrency} workers x ${MAX_IN_FLIGHT} in flight; ${machineNote()}`,
  );

  // The mail a campaign sends, so the loop moves the same bytes; the request is the one SesMailer makes.
  const { mail, bytes: mailBytes } = await seedMail(deps, release, domain);
  const sesClient = new SESv2Client({
    region: 'eu-west-3',
    endpoint: ses.endpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const input = (i: number): SendEmailCommandInput => {
    const m = mail(i);
    return {
      FromEmailAddress: formatAddress(m.from.name, m.from.address),
      Destination: { ToAddresses: [m.to] },
      ReplyToAddresses: m.replyTo ? [...m.replyTo] : undefined,
      EmailTags: Object.entries(m.tags).map(([Name, Value]) => ({ Name, Value })),
      Content: {
        Simple: {
          Subject: { Data: m.subject, Charset: 'UTF-8' },
          Body: { Html: { Data: m.html, Charset: 'UTF-8' }, Text: { Data: m.text, Charset: 'UTF-8' } },
          Headers: m.headers.map((h) => ({ Name: h.name, Value: h.value })),
          Attachments: m.attachments?.map((a) => ({
            FileName: a.filename,
            ContentType: a.contentType,
            ContentDisposition: 'ATTACHMENT',
            RawContent: new TextEncoder().encode(a.content),
          })),
        },
      },
    };
  };
  const hasAttachment = (mail(0).attachments?.length ?? 0) > 0;

  /** CPU (ms) of this process and of DynamoDB Local's JVM while `work` runs, and its wall time. */
  const measured = async (work: () => Promise<void>) => {
    const jvm0 = dynamoCpuMs(env);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await work();
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const jvm1 = dynamoCpuMs(env);
    return { ms, nodeCpuMs: (cpu.user + cpu.system) / 1000, jvmCpuMs: jvm0 === undefined || jvm1 === undefined ? undefined : jvm1 - jvm0 };
  };

  const plainLoop = async (count: number, inFlight: number): Promise<void> => {
    let next = 0;
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        for (let i = next++; i < count; i = next++) {
          const r = await sesClient.send(new SendEmailCommand(input(i)));
          if (!r.MessageId) throw new Error('the emulator answered without a MessageId');
        }
      }),
    );
  };

  // Warm-up (JIT, sockets): the loop, then a small campaign; then an empty outbox.
  await plainLoop(Math.min(200, recipients), campaignInFlight);
  const warm = await launchCampaign(deps, { releaseId: release.id, listIds: [warmList.listId] });
  await runToEnd(wiring, warm.campaign.id);
  await clearOutbox(ses);
  sendTimes.length = 0;
  latency.send = 0;
  for (const g of Object.values(groups)) g.writes = g.items = g.ms = 0;
  requests.reset();

  // (a) the limit, at both concurrencies
  const loops = [];
  for (const inFlight of [...new Set([concurrency, campaignInFlight])]) {
    loops.push({ inFlight, ...(await measured(() => plainLoop(recipients, inFlight))) });
    await clearOutbox(ses);
    if (global.gc) global.gc();
  }
  const limit = loops.reduce((a, b) => (b.ms < a.ms ? b : a));
  const loopMs = limit.ms;

  // (b) the campaign, launch to finished
  let campaignId = '';
  let t0 = 0;
  const run = await measured(async () => {
    t0 = performance.now();
    campaignId = (await launchCampaign(deps, { releaseId: release.id, listIds: [listId] })).campaign.id;
    await runToEnd(wiring, campaignId);
  });
  const final = await deps.store.getCampaign(campaignId);
  const campaignMs = run.ms;
  await clearOutbox(ses);

  const counts = final?.counts;
  if (
    final?.status !== 'finished' ||
    counts?.sent !== recipients ||
    sendTimes.length !== recipients ||
    wiring.queue.deadLetters.length > 0
  ) {
    console.error(
      `campaign did not send exactly once to everyone: status ${final?.status}, counts ${JSON.stringify(counts)}, SES calls ${sendTimes.length}, dead letters ${wiring.queue.deadLetters.length}`,
    );
    exitCode = 1;
  }
  const firstSend = sendTimes[0] ?? t0;
  const lastSend = sendTimes[sendTimes.length - 1] ?? t0;
  const sendPhaseMs = lastSend - firstSend;
  const loopRate = recipients / (loopMs / 1000);
  const e2eRate = recipients / (campaignMs / 1000);
  const sendPhaseRate = (recipients - 1) / (sendPhaseMs / 1000);

  console.log(`mail: ${(mailBytes / 1024).toFixed(1)} KiB of HTML + text${hasAttachment ? ' + attachment' : ''} per SendEmail\n`);
  console.log(
    table(
      ['measure', 'mails', 'seconds', 'mails/s', 'ratio to limit'],
      [
        ...loops.map((l) => [
          `(a) plain SendEmail loop, ${l.inFlight} in flight${l === limit ? ' (limit)' : ''}`,
          fmt(recipients),
          (l.ms / 1000).toFixed(1),
          fmt(recipients / (l.ms / 1000), 1),
          (loopMs / l.ms).toFixed(2),
        ]),
        [
          '(b) campaign, launch -> finished',
          fmt(recipients),
          (campaignMs / 1000).toFixed(1),
          fmt(e2eRate, 1),
          (e2eRate / loopRate).toFixed(2),
        ],
        [
          '    of which first -> last send',
          fmt(recipients),
          (sendPhaseMs / 1000).toFixed(1),
          fmt(sendPhaseRate, 1),
          (sendPhaseRate / loopRate).toFixed(2),
        ],
      ],
    ),
  );
  const perMail = (ms: number | undefined) => (ms === undefined ? 'n/a' : (ms / recipients).toFixed(2));
  const dynamoPerMail = requests.total() / recipients;
  console.log(
    `\nCPU per mail (ms): ${[...loops.map((l) => [`loop x${l.inFlight}`, l] as const), ['campaign', run] as const]
      .map(([label, m]) => `${label}: this process ${perMail(m.nodeCpuMs)} + DynamoDB Local ${perMail(m.jvmCpuMs)}`)
      .join('; ')}`,
  );
  console.log(
    `DynamoDB requests per mail in the campaign: ${dynamoPerMail.toFixed(2)} (${[...requests.counts]
      .sort((a, b) => b[1] - a[1])
      .map(([name, n]) => `${name.replace(/Command$/, '')} ${(n / recipients).toFixed(3)}`)
      .join(', ')})`,
  );
  const per = (ms: number) => (ms / recipients).toFixed(1);
  const group = (g: { writes: number; items: number; ms: number }) =>
    `${fmt(g.writes)} writes of ${(g.items / Math.max(1, g.writes)).toFixed(1)} recipients, ${(g.ms / Math.max(1, g.writes)).toFixed(1)} ms each`;
  console.log(
    `ledger group writes in the campaign: claims ${group(groups.claim)}; outcomes ${group(groups.settle)}. Mean SES SendEmail latency with ${campaignInFlight} in flight: ${per(latency.send)} ms` +
      ` (plain loop: ${((limit.ms * limit.inFlight) / recipients).toFixed(1)} ms per SendEmail with ${limit.inFlight} in flight)`,
  );
  console.log(
    `end-to-end ratio ${(e2eRate / loopRate).toFixed(2)} (issue 5 target >= 0.8; ${e2eRate / loopRate >= 0.8 ? 'met' : 'not met'} on this run); launch to first send ${((firstSend - t0) / 1000).toFixed(2)} s`,
  );
  console.log(`FIGURE campaign ÷ plain SendEmail loop: ${(e2eRate / loopRate).toFixed(2)} (${fmt(recipients)} recipients; target >= 0.8)`);
  console.log(`FIGURE DynamoDB Local CPU per mail: ${perMail(run.jvmCpuMs)} ms (target <= 1 ms)`);
  console.log(`FIGURE this process's CPU per mail, campaign vs loop: ${perMail(run.nodeCpuMs)} vs ${perMail(limit.nodeCpuMs)} ms`);
  console.log(`FIGURE DynamoDB requests per mail: ${dynamoPerMail.toFixed(2)}`);
  sesClient.destroy();
  wiring.close();
} catch (e: unknown) {
  console.error('send throughput failed:', e);
  exitCode = 1;
} finally {
  await env.stop();
}
process.exit(exitCode);
