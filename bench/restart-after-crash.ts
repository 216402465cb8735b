/**
 * Restart after a crash (issue 10, point 17; target: healthy within 10 s with 10,000 recipients
 * in flight).
 *
 * In one run, with DynamoDB Local (in memory, its own JVM) and the SES emulator (in this process)
 * on free ports, this writes what a `kill -9` of `npm start` leaves in the middle of a large
 * campaign: N recipients claimed (`sending`, claimed a minute ago, announced on the counters),
 * of which the first half were accepted by SES (the seed release's mail, with its reference
 * header, is in the emulator's outbox) and the other half never reached it. Then it starts
 * `npm start` (`node --import tsx local/start.ts`, one process, against those emulators) and
 * prints:
 *   - from spawn to the first `/healthz` 200 (what the issue measured: 51 to 118 s at 3,000);
 *   - from spawn to the end of reconciliation (no claim of the dead process left), and the ledger then.
 * The process starting (tsx, the SDK, the app) is part of both figures. Times are printed, never
 * asserted; the run fails only on errors or if the ledger is wrong after reconciliation.
 *
 *   npx tsx bench/restart-after-crash.ts [--recipients 10000] [--quick]
 */

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { leaveCrashedCampaign } from '../test/support/crashed-campaign';
import { freePort } from '../test/support/free-port';
import { fmt, freshWiring, intOption, machineNote, seedMail, seedRelease, startBenchEnv } from './support/send-env';

const usage = 'npx tsx bench/restart-after-crash.ts [--recipients N] [--quick]';
const { values } = parseArgs({ options: { recipients: { type: 'string' }, quick: { type: 'boolean', default: false } } });
const recipients = intOption(values.recipients ?? (values.quick ? '2000' : '10000'), 'recipients', usage);
const accepted = Math.floor(recipients / 2);

const env = await startBenchEnv();
const ses = env.ses;
if (!ses) throw new Error('the bench needs the SES emulator');
const dataDir = mkdtempSync(join(tmpdir(), 'communique-bench-restart-'));
let exitCode = 0;
try {
  // prepare: the state a kill -9 leaves, written through the real store and mailer
  const { wiring, tableName } = await freshWiring(env);
  const release = await seedRelease(wiring.deps);
  const { mail, bytes } = await seedMail(wiring.deps, release, 'example.org');
  const seedStart = performance.now();
  const claimedAt = new Date(Date.now() - 60_000);
  const crashed = await leaveCrashedCampaign(wiring.deps, {
    recipients,
    accepted,
    claimedAt,
    mailFor: (to, ref) => {
      const m = mail(0);
      return { ...m, to, headers: [...m.headers.filter((h) => h.name !== ref.name), ref] };
    },
  });
  console.log(
    `restart after crash: ${fmt(recipients)} recipients claimed, ${fmt(accepted)} of them in the outbox (${fmt(bytes / 1024)} KB per mail, about ${fmt((accepted * bytes) / 1e6)} MB for GET /store to hand out), written in ${((performance.now() - seedStart) / 1000).toFixed(1)} s; ${machineNote()}`,
  );

  // act: npm start against the same emulators, as after a kill -9
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts'], {
    env: {
      ...process.env,
      PORT: String(port),
      DATA_DIR: dataDir,
      TABLE_NAME: tableName,
      AWS_ENDPOINT_URL_DYNAMODB: env.dynamo.endpoint,
      AWS_ENDPOINT_URL_SESV2: ses.endpoint,
      // Slow enough that the requeued half is still being sent when reconciliation is measured.
      SES_MAX_SEND_RATE: '5',
      COMMUNIQUE_ADMIN_TOKEN: 'bench-restart',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const leftByTheCrash = () => wiring.deps.store.getRecipients(crashed.campaignId, crashed.subscriberIds);
  try {
    let healthyMs: number | undefined;
    let reconciledMs: number | undefined;
    // /healthz every 100 ms; the ledger (10,000 consistent reads) once a second, not to slow the app down.
    let ledgerReadAt = 0;
    for (const deadline = Date.now() + 600_000; reconciledMs === undefined; await new Promise((r) => setTimeout(r, 100))) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`npm start did not reconcile:\n${output}`);
      if (healthyMs === undefined && (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined))?.status === 200)
        healthyMs = performance.now() - t0;
      // Done when no claim of the dead process is left (the resumed workers make claims of their own).
      if (healthyMs === undefined) continue;
      if (ledgerReadAt === 0) console.log(`  spawn -> /healthz 200         ${fmt(healthyMs / 1000, 1)} s   (target: 10 s)`);
      if (Date.now() - ledgerReadAt < 1_000) continue;
      ledgerReadAt = Date.now();
      const { claims } = await wiring.deps.store.tallyLedger(crashed.campaignId);
      if (!claims.some((c) => c.claimedAt === claimedAt.toISOString())) reconciledMs = performance.now() - t0;
    }
    const ledger = await leftByTheCrash();
    const byStatus = new Map<string, number>();
    for (const r of ledger) byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1);
    const acceptedSent = ledger.filter((r) => crashed.subscriberIds.indexOf(r.subscriberId) < accepted && r.status === 'sent').length;
    console.log(`  spawn -> reconciliation done  ${fmt((reconciledMs ?? 0) / 1000, 1)} s   (ledger read once a second)`);
    console.log(
      `  ledger then: ${[...byStatus].map(([s, n]) => `${s} ${fmt(n)}`).join(', ')}; accepted mails recorded sent ${fmt(acceptedSent)} / ${fmt(accepted)}`,
    );
    if (acceptedSent !== accepted) {
      console.error('  FAILED: a mail SES accepted was not recorded as sent');
      exitCode = 1;
    }
  } finally {
    child.kill('SIGTERM');
    await exited;
    wiring.close();
  }
} catch (e: unknown) {
  console.error(e);
  exitCode = 1;
} finally {
  await env.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
process.exit(exitCode);
