/**
 * The audience at scale (issue 13, point 3): a table of N subscribers (1,000,000 by default)
 * over 20 lists, then what a press office feels of that size.
 *
 * How, in one run, with DynamoDB Local (in memory, its own JVM) and the SES emulator (in this
 * process) on free ports, as the other send benches start them:
 *   1. 20 lists made through `createList` (each born with its `#COUNTS` item); ~1 % of the
 *      addresses suppressed through the store's own `suppress` (HMAC key, listing index, change
 *      log), written FIRST so that the change log's 60 s skew window has passed at launch;
 *   2. the people written raw with `BatchWriteItem` (25 items a request, `--in-flight` requests
 *      at once), in exactly the shapes the store writes: the subscriber (`SUB#<id>`), its address
 *      guard (`EMAIL#<address>`), its memberships (`LIST#<id>` / `MEMBER#<sid>`, with the gsi1
 *      keys of `membershipItem`), then each list's counter (`LIST#<id>` / `#COUNTS`) put with the
 *      figures written; no consent records (an import writes one per contact: not needed here).
 *      Lists differ in size: list 1 (the campaign's) holds exactly `--campaign` reachable people
 *      (confirmed, not suppressed) among its members, the others share the rest with weights 1..19;
 *      one person in ten is on a second list. Statuses: 90 % confirmed, 5 % unconfirmed,
 *      5 % unsubscribed. The fill's items/s and time are printed, then `countMembersByStatus` of
 *      every list is checked against what was written (exit 1 if one differs);
 *   3. figures: opening the biggest list's page (GET /audience/listes/<id> through the real Hono
 *      app, signed in with a real session; median of `--opens`), the audience index page,
 *      `countAudience` for one list and for three lists (median of 3, compared with the exact
 *      figures, which are printed, not enforced: the counting may become an estimate);
 *      launch -> first mail accepted by the SES emulator, and launch -> finished, of a campaign
 *      to list 1 (`launchCampaign` and the in-process queue, pacing lifted), checking every
 *      reachable person got exactly one mail and nobody else any (exit 1 otherwise); peak RSS
 *      of this process and of DynamoDB Local's JVM (from /proc).
 * Ends with `FIGURE <name>: <value>` lines for summaries. Times are printed, never asserted.
 *
 * DynamoDB Local's launcher (local/emulators.ts) passes no JVM options, but the JVM reads
 * JAVA_TOOL_OPTIONS from the environment it inherits: `--dynamo-heap 8g` sets -Xmx that way.
 * Without it the JVM's default applies (a quarter of the RAM); the in-memory database itself
 * lives in SQLite's native memory, outside the Java heap.
 *
 *   npx tsx bench/scale-audience.ts [--subscribers 1000000] [--campaign 100000] [--in-flight 8] [--opens 5] [--dynamo-heap 8g] [--quick]
 */

import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { BatchWriteCommand, DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../functions/adapters/dynamodb/keys';
import { membershipItem } from '../functions/adapters/dynamodb/membership-counts';
import { countAudience } from '../functions/app/count-audience';
import { launchCampaign } from '../functions/app/launch-campaign';
import { createList } from '../functions/app/manage-audience';
import { openSession } from '../functions/app/workspace-sessions';
import { bootstrapAdmin } from '../functions/domain/actor';
import type { SubscriptionStatus } from '../functions/domain/audience';
import { subscriptionStatuses } from '../functions/domain/subscription-status';
import type { UserAccount } from '../functions/domain/user-account';
import { sessionCookieName } from '../functions/http/pages/workspace-env';
import type { Mailer } from '../functions/ports';
import {
  type BenchEnv,
  clearOutbox,
  countDynamoRequests,
  dynamoCpuMs,
  fmt,
  freshWiring,
  intOption,
  machineNote,
  runToEnd,
  seedRelease,
  startBenchEnv,
} from './support/send-env';

const usage = 'npx tsx bench/scale-audience.ts [--subscribers N] [--campaign N] [--in-flight N] [--opens N] [--dynamo-heap 8g] [--quick]';
const { values } = parseArgs({
  options: {
    subscribers: { type: 'string' },
    campaign: { type: 'string' },
    'in-flight': { type: 'string', default: '8' },
    opens: { type: 'string', default: '5' },
    'dynamo-heap': { type: 'string' },
    quick: { type: 'boolean', default: false },
  },
});
const subscriberCount = intOption(values.subscribers ?? (values.quick ? '20000' : '1000000'), 'subscribers', usage);
const campaignSize = intOption(values.campaign ?? (values.quick ? '5000' : '100000'), 'campaign', usage);
const inFlight = intOption(values['in-flight'], 'in-flight', usage);
const opens = intOption(values.opens, 'opens', usage);
if (values['dynamo-heap'] !== undefined) {
  if (!/^\d+[mg]$/i.test(values['dynamo-heap'])) {
    console.error(`--dynamo-heap must look like 8g or 4096m\nusage: ${usage}`);
    process.exit(2);
  }
  // Read by the JVM at start (the launcher passes no options of its own); inherited by the child.
  process.env.JAVA_TOOL_OPTIONS = `${process.env.JAVA_TOOL_OPTIONS ?? ''} -Xmx${values['dynamo-heap']}`.trim();
}

// ---------------------------------------------------------------------------------------------
// The audience, as pure functions of the person's number i (0 .. subscriberCount - 1): nothing is
// kept per person, so a million costs no memory here, and the exact figures can be recomputed.

const LISTS = 20;
/** The campaign's list: list index 0 ("Liste 01"). */
const CAMPAIGN_LIST = 0;
const statusAt = (n: number): SubscriptionStatus => (n % 20 === 0 ? 'unconfirmed' : n % 20 === 1 ? 'unsubscribed' : 'confirmed');
const isSuppressed = (i: number) => i % 100 === 37;
const reachableInCampaignList = (i: number) => statusAt(i) === 'confirmed' && !isSuppressed(i);

/** People 0 .. campaignMembers - 1 are list 1's: the first run of people holding exactly `campaignSize` reachable ones. */
let campaignMembers = 0;
for (let reachable = 0; reachable < campaignSize; campaignMembers++) if (reachableInCampaignList(campaignMembers)) reachable++;
const rest = subscriberCount - campaignMembers;
if (rest < 10 * (LISTS - 1) * LISTS) {
  console.error(
    `--subscribers ${subscriberCount} is too small for --campaign ${campaignSize}: list 1 alone takes ${fmt(campaignMembers)} people, and the 19 other lists need ${fmt(10 * (LISTS - 1) * LISTS)} more\nusage: ${usage}`,
  );
  process.exit(2);
}
/** Where each of lists 2..20 starts among the rest, by weights 1..19 (so their sizes differ). */
const weightTotal = ((LISTS - 1) * LISTS) / 2;
const restStarts: number[] = [];
for (let j = 1, cumulative = 0; j < LISTS; j++) {
  restStarts.push(campaignMembers + Math.floor((rest * cumulative) / weightTotal));
  cumulative += j;
}
function primaryListOf(i: number): number {
  if (i < campaignMembers) return CAMPAIGN_LIST;
  let j = restStarts.length - 1;
  while ((restStarts[j] as number) > i) j--;
  return j + 1;
}
/** One person in ten is also on another list (never the campaign's), with a status of its own. */
function membershipsOf(i: number): { list: number; status: SubscriptionStatus }[] {
  const primary = primaryListOf(i);
  const out = [{ list: primary, status: statusAt(i) }];
  if (i % 10 === 3) {
    let second = 1 + (Math.floor(i / 10) % (LISTS - 1));
    if (second === primary) second = 1 + (second % (LISTS - 1));
    out.push({ list: second, status: statusAt(Math.floor(i / 10) + 7) });
  }
  return out;
}

/** What countAudience should say for these lists, exactly. */
function exactAudience(lists: readonly number[]): { recipients: number; suppressed: number; notConfirmed: number } {
  const wanted = new Set(lists);
  let recipients = 0;
  let suppressed = 0;
  let notConfirmed = 0;
  for (let i = 0; i < subscriberCount; i++) {
    const on = membershipsOf(i).filter((m) => wanted.has(m.list));
    if (on.length === 0) continue;
    if (on.some((m) => m.status === 'confirmed')) {
      if (isSuppressed(i)) suppressed++;
      else recipients++;
    } else notConfirmed++;
  }
  return { recipients, suppressed, notConfirmed };
}

// ---------------------------------------------------------------------------------------------

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0
    ? Number.NaN
    : s.length % 2 === 1
      ? (s[(s.length - 1) / 2] as number)
      : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The DynamoDB Local JVM listening on the bench's port: its pid, from /proc (Linux). */
function dynamoPid(env: BenchEnv): string | undefined {
  const port = new URL(env.dynamo.endpoint).port;
  try {
    for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
      let args: string[];
      try {
        args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      } catch {
        continue;
      }
      if (args.some((a) => a.includes('DynamoDBLocal')) && args[args.indexOf('-port') + 1] === port) return pid;
    }
  } catch {
    // not Linux
  }
  return undefined;
}

/** Resident memory of a process (MB): now and its peak (VmRSS, VmHWM). */
function rssOf(pid: string | undefined): { now: number; peak: number } | undefined {
  if (!pid) return undefined;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
    return { now: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
  } catch {
    return undefined;
  }
}

const figures: [string, string][] = [];
const figure = (name: string, value: string) => figures.push([name, value]);

const env = await startBenchEnv({ maxSendRate: 1_000_000 });
let exitCode = 0;
let wiringClose: (() => void) | undefined;
const jvmPid = dynamoPid(env);
try {
  // Every SES call the campaign makes, by address; the first one's time.
  const mailsTo = new Map<string, number>();
  let firstSendAt: number | undefined;
  let armed = false;
  const { wiring, tableName } = await freshWiring(env, {
    concurrency: 4,
    sendRate: 1_000_000,
    wrapMailer: (inner): Mailer => ({
      async send(mail) {
        const r = await inner.send(mail);
        if (armed) {
          firstSendAt ??= performance.now();
          mailsTo.set(mail.to, (mailsTo.get(mail.to) ?? 0) + 1);
        }
        return r;
      },
      ping: () => inner.ping(),
    }),
  });
  wiringClose = () => wiring.close();
  const { deps } = wiring;
  const doc = DynamoDBDocumentClient.from(wiring.dynamo, { marshallOptions: { removeUndefinedValues: true } });
  console.log(
    `scale audience: ${fmt(subscriberCount)} subscribers over ${LISTS} lists, campaign of ${fmt(campaignSize)} to list 1 (${fmt(campaignMembers)} members); ${inFlight} BatchWriteItem in flight; JAVA_TOOL_OPTIONS ${process.env.JAVA_TOOL_OPTIONS ?? '(none: JVM default heap)'}; ${machineNote()}`,
  );

  // 1. Lists through the use-case (with their counter items), then the suppressions through the store.
  const lists = [];
  for (let j = 0; j < LISTS; j++)
    lists.push(
      await createList(deps, {
        name: `Liste ${String(j + 1).padStart(2, '0')}${j === CAMPAIGN_LIST ? ' (campagne)' : ''}`,
        kind: 'press',
        optIn: 'single',
      }),
    );
  const listIds = lists.map((l) => l.id);
  const tag = `s${randomUUID().slice(0, 8)}`;
  const domain = `${tag}.example.org`;
  const emailOf = (i: number) => `p${i}@${domain}`;
  const idOf = (i: number) => `${tag}-${i}`;
  const at = new Date().toISOString();

  const suppressedIds: number[] = [];
  for (let i = 0; i < subscriberCount; i++) if (isSuppressed(i)) suppressedIds.push(i);
  const suppressStart = performance.now();
  let nextSuppressed = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      for (let k = nextSuppressed++; k < suppressedIds.length; k = nextSuppressed++)
        await deps.store.suppress(emailOf(suppressedIds[k] as number), 'hard-bounce', at);
    }),
  );
  const suppressionsWrittenAt = performance.now();
  console.log(
    `suppressions: ${fmt(suppressedIds.length)} addresses through store.suppress in ${((suppressionsWrittenAt - suppressStart) / 1000).toFixed(1)} s`,
  );

  // 2. The people, raw, 25 items a BatchWriteItem; the counts by list and status as written.
  const written: Record<SubscriptionStatus, number>[] = listIds.map(() => ({ unconfirmed: 0, confirmed: 0, unsubscribed: 0 }));
  function* items(): Generator<Record<string, unknown>> {
    for (let i = 0; i < subscriberCount; i++) {
      const id = idOf(i);
      const email = emailOf(i);
      yield {
        ...keys.subscriber(id),
        type: 'subscriber',
        id,
        email,
        name: `Abonné ${i}`,
        tags: [],
        language: 'fr',
        createdAt: at,
        updatedAt: at,
      };
      yield { ...keys.email(email), type: 'email', subscriberId: id };
      for (const m of membershipsOf(i)) {
        (written[m.list] as Record<SubscriptionStatus, number>)[m.status]++;
        yield membershipItem({ listId: listIds[m.list] as string, subscriberId: id, email, status: m.status, updatedAt: at });
      }
    }
  }
  const source = items();
  let itemsWritten = 0;
  let batchesRetried = 0;
  const fillStart = performance.now();
  let nextReport = fillStart + 30_000;
  const writeBatch = async (batch: Record<string, unknown>[]) => {
    let pending = batch.map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) {
        if (attempt >= 12) throw new Error(`BatchWriteItem: ${pending.length} item(s) still unprocessed after ${attempt} attempts`);
        batchesRetried++;
        await sleep(Math.min(2_000, 20 * 2 ** attempt) * (0.5 + Math.random()));
      }
      const r = await doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
      pending = (r.UnprocessedItems?.[tableName] ?? []) as typeof pending;
    }
    itemsWritten += batch.length;
  };
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      for (;;) {
        const batch: Record<string, unknown>[] = [];
        for (let n = source.next(); !n.done; n = source.next()) {
          batch.push(n.value);
          if (batch.length === 25) break;
        }
        if (batch.length === 0) return;
        await writeBatch(batch);
        if (performance.now() > nextReport) {
          nextReport += 30_000;
          const s = (performance.now() - fillStart) / 1000;
          console.log(`  fill: ${fmt(itemsWritten)} items in ${s.toFixed(0)} s (${fmt(itemsWritten / s)} items/s); ${machineNote()}`);
        }
      }
    }),
  );
  for (let j = 0; j < LISTS; j++) {
    const counts = written[j] as Record<SubscriptionStatus, number>;
    await doc.send(
      new PutCommand({
        TableName: tableName,
        Item: {
          ...keys.listCounts(listIds[j] as string),
          type: 'list-counts',
          ...Object.fromEntries(subscriptionStatuses.map((s) => [`n_${s}`, counts[s]])),
        },
      }),
    );
  }
  const fillSeconds = (performance.now() - fillStart) / 1000;
  const totalItems = itemsWritten + suppressedIds.length * 2 + LISTS * 2;
  console.log(
    `fill: ${fmt(itemsWritten)} items (subscribers, address guards, ${fmt(itemsWritten - 2 * subscriberCount)} memberships) in ${fillSeconds.toFixed(1)} s = ${fmt(itemsWritten / fillSeconds)} items/s (${fmt(subscriberCount / fillSeconds)} subscribers/s); ${batchesRetried} batch retries for unprocessed items; ${fmt(totalItems)} items in the table with suppressions, change log and lists`,
  );
  figure('fill-subscribers', String(subscriberCount));
  figure('fill-items', String(itemsWritten));
  figure('fill-seconds', fillSeconds.toFixed(1));
  figure('fill-items-per-s', (itemsWritten / fillSeconds).toFixed(0));

  const sizes = written.map((c) => c.confirmed + c.unconfirmed + c.unsubscribed);
  console.log(`list sizes: ${sizes.map((n, j) => `${j + 1}: ${fmt(n)}`).join(', ')}`);
  let wrongCounts = 0;
  for (let j = 0; j < LISTS; j++) {
    const got = await deps.store.countMembersByStatus(listIds[j] as string);
    const want = written[j] as Record<SubscriptionStatus, number>;
    if (subscriptionStatuses.some((s) => got[s] !== want[s])) {
      wrongCounts++;
      console.error(`list ${j + 1}: countMembersByStatus says ${JSON.stringify(got)}, ${JSON.stringify(want)} were written`);
    }
  }
  if (wrongCounts > 0) {
    exitCode = 1;
    throw new Error(`${wrongCounts} list(s) counted wrong after the fill`);
  }
  console.log(`countMembersByStatus: all ${LISTS} lists match what was written`);
  const jvmAfterFill = rssOf(jvmPid);
  if (jvmAfterFill) console.log(`DynamoDB Local JVM after the fill: RSS ${fmt(jvmAfterFill.now)} MB`);

  // 3a. The biggest list's page through the real app, signed in; the audience index with its 20 lists.
  const release = await seedRelease(deps);
  const now = new Date().toISOString();
  const account: UserAccount = {
    id: 'bench-admin',
    email: 'bench-admin@example.org',
    name: 'Banc d’essai',
    role: 'admin',
    status: 'active',
    sessionEpoch: 0,
    createdAt: now,
    updatedAt: now,
  };
  await deps.users.createUser(account);
  const { cookieValue } = await openSession(deps, account);
  const open = async (path: string): Promise<number> => {
    const t0 = performance.now();
    const r = await wiring.http.request(path, { headers: { cookie: `${sessionCookieName}=${cookieValue}` } });
    const body = await r.text();
    const ms = performance.now() - t0;
    if (r.status !== 200) throw new Error(`GET ${path} answered ${r.status}: ${body.slice(0, 300)}`);
    return ms;
  };
  const biggest = sizes.indexOf(Math.max(...sizes));
  const pagePath = `/audience/listes/${listIds[biggest]}`;
  const pageTimes: number[] = [];
  for (let k = 0; k < opens; k++) pageTimes.push(await open(pagePath));
  const indexTimes: number[] = [];
  for (let k = 0; k < opens; k++) indexTimes.push(await open('/audience'));
  console.log(
    `list page (GET ${pagePath.replace(listIds[biggest] as string, '<id>')}, list ${biggest + 1}, ${fmt(sizes[biggest] as number)} members, first page): median ${median(pageTimes).toFixed(1)} ms of ${opens} opens (first ${pageTimes[0]?.toFixed(1)} ms)`,
  );
  console.log(
    `audience index (GET /audience, ${LISTS} lists with their counts): median ${median(indexTimes).toFixed(1)} ms of ${opens} opens (first ${indexTimes[0]?.toFixed(1)} ms)`,
  );
  figure('list-page-open-ms', median(pageTimes).toFixed(1));
  figure('audience-index-open-ms', median(indexTimes).toFixed(1));

  // 3b. countAudience: list 1, then list 1 with the two biggest others (overlapping people counted once).
  const others = sizes
    .map((n, j) => [n, j] as const)
    .filter(([, j]) => j !== CAMPAIGN_LIST)
    .sort((a, b) => b[0] - a[0])
    .slice(0, 2)
    .map(([, j]) => j);
  for (const [label, set] of [
    ['1 list', [CAMPAIGN_LIST]],
    ['3 lists', [CAMPAIGN_LIST, ...others]],
  ] as const) {
    const times: number[] = [];
    let got: Awaited<ReturnType<typeof countAudience>> | undefined;
    const started = performance.now();
    // Three counts, fewer if one alone takes long (a walk over every member at 1,000,000 may).
    for (let k = 0; k < 3 && (k === 0 || performance.now() - started < 60_000); k++) {
      const t0 = performance.now();
      got = await countAudience(deps, bootstrapAdmin, { listIds: set.map((j) => listIds[j] as string) });
      times.push(performance.now() - t0);
    }
    const exact = exactAudience(set);
    const same = got?.recipients === exact.recipients && got.suppressed === exact.suppressed && got.notConfirmed === exact.notConfirmed;
    console.log(
      `countAudience, ${label} (${set.map((j) => j + 1).join(' + ')}; ${fmt(set.reduce((n, j) => n + (sizes[j] as number), 0))} memberships): median ${median(times).toFixed(1)} ms of ${times.length}; says ${fmt(got?.recipients ?? 0)} recipients, ${fmt(got?.suppressed ?? 0)} suppressed, ${fmt(got?.notConfirmed ?? 0)} not confirmed: ${same ? 'exact' : `exact figures are ${fmt(exact.recipients)} / ${fmt(exact.suppressed)} / ${fmt(exact.notConfirmed)}`}`,
    );
    figure(`count-audience-${set.length === 1 ? '1-list' : '3-lists'}-ms`, median(times).toFixed(1));
  }

  // 3c. The campaign to list 1 at an unlimited rate. Suppressions older than the change log's skew window
  //     (60 s), as in real life, so that send batches do not re-read the bench's own fresh suppressions.
  const sinceSuppressions = performance.now() - suppressionsWrittenAt;
  if (sinceSuppressions < 61_000) {
    console.log(
      `waiting ${((61_000 - sinceSuppressions) / 1000).toFixed(0)} s for the suppressions to leave the change log's 60 s skew window`,
    );
    await sleep(61_000 - sinceSuppressions);
  }
  const requests = countDynamoRequests(wiring.dynamo);
  const ses = env.ses!;
  await clearOutbox(ses);
  // The emulator keeps every mail in memory: emptied as the campaign goes (the mailer wrapper counts).
  let clearing = true;
  const clearer = (async () => {
    while (clearing) {
      await sleep(2_000);
      await clearOutbox(ses).catch((e: unknown) => console.error('  clear outbox:', e instanceof Error ? e.message : e));
    }
  })();
  armed = true;
  const jvm0 = dynamoCpuMs(env);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const launched = await launchCampaign(deps, { releaseId: release.id, listIds: [listIds[CAMPAIGN_LIST] as string] });
  const launchReturned = performance.now();
  const final = await runToEnd(wiring, launched.campaign.id);
  const t1 = performance.now();
  const cpu = process.cpuUsage(cpu0);
  const jvm1 = dynamoCpuMs(env);
  clearing = false;
  await clearer;

  const doubled = [...mailsTo.values()].filter((n) => n > 1).length;
  const strangers = [...mailsTo.keys()].filter((to) => {
    const m = /^p(\d+)@/.exec(to);
    return !to.endsWith(`@${domain}`) || !m || !reachableInCampaignList(Number(m[1])) || Number(m[1]) >= campaignMembers;
  }).length;
  const missing = campaignSize - (mailsTo.size - strangers);
  if (
    final?.status !== 'finished' ||
    final.counts.sent !== campaignSize ||
    doubled > 0 ||
    strangers > 0 ||
    missing !== 0 ||
    wiring.queue.deadLetters.length > 0
  ) {
    console.error(
      `campaign did not send exactly once to every reachable member: status ${final?.status}, counts ${JSON.stringify(final?.counts)}, ${fmt(mailsTo.size)} addresses mailed, ${doubled} doubled, ${strangers} not reachable members of list 1, ${missing} missing, ${wiring.queue.deadLetters.length} dead letters`,
    );
    exitCode = 1;
  }
  const campaignSeconds = (t1 - t0) / 1000;
  const firstSendMs = firstSendAt === undefined ? Number.NaN : firstSendAt - t0;
  const perMail = (ms: number | undefined) => (ms === undefined ? 'n/a' : (ms / campaignSize).toFixed(2));
  console.log(`campaign to list 1: ${fmt(campaignSize)} recipients (of ${fmt(campaignMembers)} members), pacing lifted`);
  console.log(
    `  launch call answered in ${(launchReturned - t0).toFixed(0)} ms; launch to first mail accepted by SES: ${(firstSendMs / 1000).toFixed(2)} s`,
  );
  console.log(
    `  launch to finished: ${campaignSeconds.toFixed(1)} s = ${fmt(campaignSize / campaignSeconds, 1)} mails/s; every reachable member mailed exactly once: ${exitCode === 0 ? 'yes' : 'NO'}`,
  );
  console.log(
    `  per mail: ${(requests.total() / campaignSize).toFixed(2)} DynamoDB requests, CPU ${perMail((cpu.user + cpu.system) / 1000)} ms in this process + ${perMail(jvm0 === undefined || jvm1 === undefined ? undefined : jvm1 - jvm0)} ms in DynamoDB Local`,
  );
  figure('campaign-recipients', String(campaignSize));
  figure('launch-to-first-send-ms', firstSendMs.toFixed(0));
  figure('campaign-seconds', campaignSeconds.toFixed(1));
  figure('campaign-mails-per-s', (campaignSize / campaignSeconds).toFixed(1));
} catch (e: unknown) {
  console.error('scale audience failed:', e);
  exitCode = 1;
} finally {
  // 3d. Memory, before the emulators go.
  const peakMb = process.resourceUsage().maxRSS / 1024;
  const jvm = rssOf(jvmPid);
  console.log(
    `peak RSS: this process ${fmt(peakMb)} MB (bench, SDK, SES emulator); DynamoDB Local JVM ${jvm ? `${fmt(jvm.peak)} MB peak, ${fmt(jvm.now)} MB now` : 'n/a (no /proc)'}; ${machineNote()}`,
  );
  figure('peak-rss-mb', peakMb.toFixed(0));
  if (jvm) figure('dynamodb-local-peak-rss-mb', jvm.peak.toFixed(0));
  console.log('');
  for (const [name, value] of figures) console.log(`FIGURE ${name}: ${value}`);
  wiringClose?.();
  await env.stop();
}
process.exit(exitCode);
