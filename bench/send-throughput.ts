/**
 * End-to-end send throughput against the local emulators, as a ratio to the physical limit.
 *
 * In one run, with DynamoDB Local (in memory, its own JVM) and the SES emulator (in this process,
 * as `npm start` runs it) on free ports:
 *   (a) the limit: a plain loop of SESv2 `SendEmail` calls, one per recipient, each carrying the
 *       personalised seed mail a real campaign sends, as many in flight as the worker has
 *       (queue concurrency, 4);
 *   (b) the product: a campaign of the same seed release to the same recipients, launch to
 *       finished (compile, audience snapshot into the ledger, claim / send / settle per
 *       recipient), pacing lifted far above what the emulator can take.
 * Prints both rates and the ratio (issue 5 target: >= 0.8). Times are printed, never asserted;
 * the run fails only on errors or if a mail is missing or doubled.
 *
 *   npx tsx bench/send-throughput.ts [--recipients 10000] [--concurrency 4] [--seed 000|001] [--quick]
 */
import { SendEmailCommand, SESv2Client, type SendEmailCommandInput } from '@aws-sdk/client-sesv2';
import { parseArgs } from 'node:util';
import { formatAddress } from '../functions/adapters/ses/ses-mailer';
import { launchCampaign } from '../functions/app/launch-campaign';
import type { Mailer } from '../functions/ports';
import { clearOutbox, fmt, freshWiring, intOption, machineNote, runToEnd, seedAudience, seedMail, seedRelease, startBenchEnv, table } from './support/send-env';

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
  const latency = { claim: 0, send: 0, settle: 0 };
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
  // Where a recipient's time goes: the two ledger writes around the SES call.
  const claim = deps.store.claimRecipient.bind(deps.store);
  const settle = deps.store.settleRecipient.bind(deps.store);
  deps.store.claimRecipient = async (...args) => {
    const start = performance.now();
    try {
      return await claim(...args);
    } finally {
      latency.claim += performance.now() - start;
    }
  };
  deps.store.settleRecipient = async (...args) => {
    const start = performance.now();
    try {
      return await settle(...args);
    } finally {
      latency.settle += performance.now() - start;
    }
  };
  const release = await seedRelease(deps, seed);
  const seedStart = performance.now();
  const { listId, domain } = await seedAudience(deps, recipients);
  console.log(`send throughput: ${fmt(recipients)} recipients written to DynamoDB Local in ${((performance.now() - seedStart) / 1000).toFixed(1)} s; seed ${seed}, ${concurrency} in flight; ${machineNote()}`);

  // The mail a campaign sends, so the loop moves the same bytes; the request is the one SesMailer makes.
  const { mail, bytes: mailBytes } = await seedMail(deps, release, domain);
  const sesClient = new SESv2Client({ region: 'eu-west-3', endpoint: ses.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
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
          Attachments: m.attachments?.map((a) => ({ FileName: a.filename, ContentType: a.contentType, ContentDisposition: 'ATTACHMENT', RawContent: new TextEncoder().encode(a.content) })),
        },
      },
    };
  };
  const hasAttachment = (mail(0).attachments?.length ?? 0) > 0;

  const plainLoop = async (count: number): Promise<number> => {
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (let i = next++; i < count; i = next++) {
          const r = await sesClient.send(new SendEmailCommand(input(i)));
          if (!r.MessageId) throw new Error('the emulator answered without a MessageId');
        }
      }),
    );
    return performance.now() - t0;
  };

  // Warm-up (JIT, sockets) on both paths' shared parts, then an empty outbox.
  await plainLoop(Math.min(200, recipients));
  await clearOutbox(ses);

  // (a) the limit
  const loopMs = await plainLoop(recipients);
  await clearOutbox(ses);
  if (global.gc) global.gc();

  // (b) the campaign, launch to finished
  const t0 = performance.now();
  const { campaign } = await launchCampaign(deps, { releaseId: release.id, listIds: [listId] });
  const final = await runToEnd(wiring, campaign.id);
  const campaignMs = performance.now() - t0;
  await clearOutbox(ses);

  const counts = final?.counts;
  if (final?.status !== 'finished' || counts?.sent !== recipients || sendTimes.length !== recipients || wiring.queue.deadLetters.length > 0) {
    console.error(`campaign did not send exactly once to everyone: status ${final?.status}, counts ${JSON.stringify(counts)}, SES calls ${sendTimes.length}, dead letters ${wiring.queue.deadLetters.length}`);
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
        ['(a) plain SendEmail loop (limit)', fmt(recipients), (loopMs / 1000).toFixed(1), fmt(loopRate, 1), '1.00'],
        ['(b) campaign, launch -> finished', fmt(recipients), (campaignMs / 1000).toFixed(1), fmt(e2eRate, 1), (e2eRate / loopRate).toFixed(2)],
        ['    of which first -> last send', fmt(recipients), (sendPhaseMs / 1000).toFixed(1), fmt(sendPhaseRate, 1), (sendPhaseRate / loopRate).toFixed(2)],
      ],
    ),
  );
  const per = (ms: number) => (ms / recipients).toFixed(1);
  console.log(
    `\nper recipient in the campaign, mean latency with ${concurrency} in flight: ledger claim ${per(latency.claim)} ms, SES SendEmail ${per(latency.send)} ms, ledger settle ${per(latency.settle)} ms` +
      ` (plain loop: ${((loopMs * concurrency) / recipients).toFixed(1)} ms per SendEmail)`,
  );
  console.log(`end-to-end ratio ${(e2eRate / loopRate).toFixed(2)} (issue 5 target >= 0.8; ${e2eRate / loopRate >= 0.8 ? 'met' : 'not met'} on this run); launch to first send ${((firstSend - t0) / 1000).toFixed(2)} s`);
  sesClient.destroy();
  wiring.close();
} catch (e: unknown) {
  console.error('send throughput failed:', e);
  exitCode = 1;
} finally {
  await env.stop();
}
process.exit(exitCode);
