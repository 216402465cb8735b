/**
 * CPU time per recipient spent in our code, SES call excluded (the mailer is a stub that answers
 * at once). Three figures, each after a warm-up campaign so they show a warm worker:
 *   A. a whole campaign (launch, compile, snapshot, claim / settle per recipient) against
 *      DynamoDB Local: `process.cpuUsage()` of this process over the run / recipients. The JVM
 *      of DynamoDB Local is another process and is not counted; the SDK's marshalling, signing
 *      and HTTP are ours and are.
 *   B. the same campaign on the in-memory fakes (test/support: InMemoryStore, ManualQueue): the
 *      worker's logic without I/O (the fake store's structuredClone copies are counted too).
 *   C. mail building alone, per recipient: two signed links, `personalise`, headers and tags,
 *      as send-batch does before calling SES.
 * Figures are printed, never asserted; the run fails only on errors.
 *
 *   npx tsx bench/send-cpu.ts [--recipients 2000] [--seed 000|001] [--quick]
 */
import { parseArgs } from 'node:util';
import type { AppDeps } from '../functions/app/deps';
import { launchCampaign } from '../functions/app/launch-campaign';
import { createList } from '../functions/app/manage-audience';
import { recipientLinks, unsubscribeHeaders } from '../functions/app/recipient-links';
import { recipientRef, recipientRefHeader } from '../functions/domain/campaign';
import type { Mailer, OutgoingMail } from '../functions/ports';
import { compileRelease } from '../functions/render/compile-release';
import { personalise } from '../functions/render/compiled-mail';
import { fakeDeps } from '../test/support/fakes';
import {
  benchTokenKeys,
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

const usage = 'npx tsx bench/send-cpu.ts [--recipients N] [--seed 000|001] [--quick]';
const { values } = parseArgs({
  options: {
    recipients: { type: 'string' },
    seed: { type: 'string', default: '000' },
    quick: { type: 'boolean', default: false },
  },
});
const recipients = intOption(values.recipients ?? (values.quick ? '300' : '2000'), 'recipients', usage);
if (values.seed !== '000' && values.seed !== '001') {
  console.error(`--seed must be 000 or 001\nusage: ${usage}`);
  process.exit(2);
}
const seed = values.seed;
const WARM_UP = 100;

/** Answers at once and keeps nothing: the SES call costs nothing here. */
function stubMailer(): Mailer & { calls: number } {
  return {
    calls: 0,
    async send(mail: OutgoingMail) {
      this.calls++;
      return { messageId: `stub-${this.calls}-${mail.tags.recipient ?? ''}` };
    },
    ping: async () => true,
  };
}

const cpuMicros = (u: NodeJS.CpuUsage) => u.user + u.system;

/** Launch to finished, CPU of this process per recipient. */
async function measuredCampaign(
  deps: AppDeps,
  releaseId: string,
  listId: string,
  drain: (campaignId: string) => Promise<{ status?: string; sent?: number }>,
  n: number,
) {
  if (global.gc) global.gc();
  const wall0 = performance.now();
  const cpu0 = process.cpuUsage();
  const { campaign } = await launchCampaign(deps, { releaseId, listIds: [listId] });
  const final = await drain(campaign.id);
  const cpu = process.cpuUsage(cpu0);
  const wallMs = performance.now() - wall0;
  if (final.status !== 'finished' || final.sent !== n) throw new Error(`campaign ended ${final.status} with ${final.sent} of ${n} sent`);
  return { usPerRecipient: cpuMicros(cpu) / n, userUs: cpu.user / n, systemUs: cpu.system / n, wallMs };
}

let exitCode = 0;
const rows: string[][] = [];
let dynamoNote = '';
console.log(`send cpu: ${fmt(recipients)} recipients, seed ${seed}, stub SES; ${machineNote()}`);

// A. against DynamoDB Local
const env = await startBenchEnv({ ses: false });
try {
  const mailer = stubMailer();
  const { wiring } = await freshWiring(env, { sendRate: 1_000_000, wrapMailer: () => mailer });
  const { deps } = wiring;
  // Counts DynamoDB requests (the document client shares this client's middleware stack).
  let requests = 0;
  wiring.dynamo.middlewareStack.add(
    (next) => (args) => {
      requests++;
      return next(args);
    },
    { step: 'initialize', name: 'benchRequestCounter' },
  );
  const release = await seedRelease(deps, seed);
  const warm = await seedAudience(deps, WARM_UP, 'Warm-up');
  const audience = await seedAudience(deps, recipients);
  const drain = async (id: string) => {
    const c = await runToEnd(wiring, id);
    return { status: c?.status, sent: c?.counts.sent };
  };
  await measuredCampaign(deps, release.id, warm.listId, drain, WARM_UP);
  // A release of its own for the measured run, so it never depends on whether a sent release may be sent again.
  const second = await seedRelease(deps, seed);
  const before = requests;
  const a = await measuredCampaign(deps, second.id, audience.listId, drain, recipients);
  const perRecipient = (requests - before) / recipients;
  dynamoNote = `A made ${perRecipient.toFixed(2)} DynamoDB requests per recipient: about ${fmt(a.usPerRecipient / perRecipient)} µs of CPU per request, most of A.`;
  rows.push([
    'A. campaign on DynamoDB Local (SDK + our code)',
    fmt(a.usPerRecipient),
    fmt(a.userUs),
    fmt(a.systemUs),
    `${(a.wallMs / 1000).toFixed(1)} s`,
  ]);
  wiring.close();
} catch (e: unknown) {
  console.error('send cpu (DynamoDB Local) failed:', e);
  exitCode = 1;
} finally {
  await env.stop();
}

// B. on the in-memory fakes
try {
  const mailer = stubMailer();
  const { deps, store, queue } = fakeDeps({ mailer, compileRelease, batchSize: 50, clock: { now: () => new Date() } });
  const release = await seedRelease(deps, seed);
  const seedFake = async (n: number, name: string) => {
    const list = await createList(deps, { name, kind: 'press', optIn: 'single' });
    const at = new Date().toISOString();
    for (let i = 0; i < n; i++) {
      const id = `${name}-${i}`;
      const email = `r${i}@${name.toLowerCase()}.example.org`;
      await store.createSubscriber({ id, email, name: `Abonné ${i}`, tags: [], language: 'fr', createdAt: at, updatedAt: at });
      await store.putMembership({ listId: list.id, subscriberId: id, email, status: 'confirmed', updatedAt: at });
    }
    return list.id;
  };
  const warmList = await seedFake(WARM_UP, 'Warm');
  const list = await seedFake(recipients, 'Bench');
  const drain = async (id: string) => {
    const { deadLetters } = await queue.drain();
    if (deadLetters.length > 0) throw new Error(`${deadLetters.length} dead letters`);
    const c = await store.getCampaign(id);
    return { status: c?.status, sent: c?.counts.sent };
  };
  await measuredCampaign(deps, release.id, warmList, drain, WARM_UP);
  const second = await seedRelease(deps, seed);
  const b = await measuredCampaign(deps, second.id, list, drain, recipients);
  rows.push([
    'B. campaign on in-memory fakes (no I/O)',
    fmt(b.usPerRecipient),
    fmt(b.userUs),
    fmt(b.systemUs),
    `${(b.wallMs / 1000).toFixed(1)} s`,
  ]);
} catch (e: unknown) {
  console.error('send cpu (in-memory) failed:', e);
  exitCode = 1;
}

// C. mail building alone (what send-batch's outgoingMail does for each recipient)
try {
  const { brandById, compileInputOf, seed000, seed001 } = await import('../test/fixtures/seeds');
  const content = seed === '000' ? seed000 : seed001;
  const compiled = await compileRelease(compileInputOf(content));
  const brand = brandById(content.brandId);
  const deps = { tokenKeys: benchTokenKeys, publicBaseUrl: 'https://communique.example.org', clock: { now: () => new Date() } };
  const campaignId = '6f1c2d3e-4a5b-4c6d-8e7f-901234567890';
  const build = (i: number): OutgoingMail => {
    const subscriberId = `s${i}`;
    const links = recipientLinks(deps, subscriberId, campaignId);
    const mail = personalise(compiled, { ...links, email: `r${i}@example.org`, name: `Abonné ${i}` });
    return {
      from: { name: brand.senderName, address: brand.senderEmail },
      replyTo: brand.replyTo ? [brand.replyTo] : undefined,
      to: `r${i}@example.org`,
      subject: mail.subject,
      html: mail.html,
      text: mail.text,
      headers: [...unsubscribeHeaders(links.unsubscribeUrl), { name: recipientRefHeader, value: recipientRef(campaignId, subscriberId) }],
      attachments: compiled.attachments,
      tags: { campaign: campaignId, recipient: subscriberId },
    };
  };
  let sink = 0;
  for (let i = 0; i < 1_000; i++) sink += build(i).html.length;
  const n = Math.max(recipients, 10_000);
  if (global.gc) global.gc();
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  for (let i = 0; i < n; i++) sink += build(i).html.length;
  const cpu = process.cpuUsage(cpu0);
  const wallMs = performance.now() - wall0;
  if (sink === 0) throw new Error('unreachable');
  rows.push([
    `C. mail building only (links + personalise), ${fmt(n)} mails`,
    fmt(cpuMicros(cpu) / n, 1),
    fmt(cpu.user / n, 1),
    fmt(cpu.system / n, 1),
    `${(wallMs / 1000).toFixed(1)} s`,
  ]);
} catch (e: unknown) {
  console.error('send cpu (mail building) failed:', e);
  exitCode = 1;
}

console.log(`\n${table(['CPU of this process per recipient, SES excluded', 'µs/recipient', 'user µs', 'system µs', 'wall'], rows)}`);
console.log(
  `\nA includes the one-off compile of the release at launch and the audience snapshot, spread over the recipients. ${dynamoNote}`,
);
process.exit(exitCode);
