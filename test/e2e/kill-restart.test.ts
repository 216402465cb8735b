import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { DynamoStore } from '../../functions/adapters/dynamodb/dynamo-store';
import { KILL_AFTER_ACCEPTED_ENV } from '../../functions/adapters/local/fault-injecting-mailer';
import { outboxFor, type StoredEmail, uniqueDomain } from '../support/emulator-context';
import { freePort } from '../support/free-port';

const dataDir = mkdtempSync(join(tmpdir(), 'communique-kill-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/**
 * Where the SES emulator runs: the test's own (outside the process we kill), or the one `npm start`
 * runs in its own process, whose outbox must then outlive the kill through its journal.
 */
type SesMode = { kind: 'external' } | { kind: 'in-process'; port: number };

/** `npm start` against the test's own DynamoDB Local (it outlives the process we kill) and the SES emulator of `ses`. */
function startApp(port: number, tableName: string, ses: SesMode, extraEnv: Record<string, string> = {}) {
  const { AWS_ENDPOINT_URL_SESV2: _external, ...env } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts'], {
    env: {
      ...env,
      PORT: String(port),
      DATA_DIR: dataDir,
      TABLE_NAME: tableName,
      AWS_ENDPOINT_URL_DYNAMODB: inject('dynamoEndpoint'),
      ...(ses.kind === 'external' ? { AWS_ENDPOINT_URL_SESV2: inject('sesEndpoint') } : { SES_PORT: String(ses.port) }),
      SES_MAX_SEND_RATE: '40',
      COMMUNIQUE_ADMIN_TOKEN: 'kill-restart-token',
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return { child, exited, output: () => output };
}

/** The mails the SES emulator holds for `domain`: the test's own, or npm start's (its journal while the process is dead). */
async function outboxOf(ses: SesMode, domain: string, appAlive: boolean): Promise<Pick<StoredEmail, 'messageId' | 'destination'>[]> {
  if (ses.kind === 'external') return outboxFor(domain);
  const mails = appAlive
    ? ((await (await fetch(`http://127.0.0.1:${ses.port}/store`)).json()) as { emails: StoredEmail[] }).emails
    : readFileSync(join(dataDir, 'ses-outbox.jsonl'), 'utf8')
        .split('\n')
        .filter((line) => line.trim())
        .map((line) => JSON.parse(line) as StoredEmail);
  return mails.filter((e) => e.destination.to.some((t) => t.endsWith(`@${domain}`)));
}

describe('kill -9 mid-campaign, then restart', () => {
  it.each([
    ['the SES emulator outside the process', 'external'],
    ['npm start’s own SES emulator, its outbox journalled in the data folder', 'in-process'],
  ] as const)(
    'resumes from the ledger after a kill right after SES accepted a mail, with %s: every recipient gets exactly one mail',
    async (_, kind) => {
      const ses: SesMode = kind === 'external' ? { kind } : { kind, port: await freePort() };
      const port = await freePort();
      const tableName = `kill-${Date.now()}`;
      const base = `http://127.0.0.1:${port}`;
      const headers = { authorization: 'Bearer kill-restart-token', 'content-type': 'application/json' };
      const call = async <T>(method: string, path: string, body?: unknown) =>
        (await (
          await fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
        ).json()) as T;
      const waitUp = async (app: ReturnType<typeof startApp>) => {
        for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 200))) {
          // One process (node --import tsx), so kill -9 really kills the app. Up, and its start-up banner printed (it says what was resumed).
          if ((await fetch(`${base}/healthz`).catch(() => undefined))?.status === 200 && app.output().includes('Ctrl-C')) return;
        }
        throw new Error(`app did not start (pid ${app.child.pid}, exit ${app.child.exitCode}):\n${app.output()}`);
      };

      // The hard case, forced: the process gets SIGKILL (as from kill -9) right after SES accepted
      // its 30th mail, before the worker could record it.
      let app = startApp(port, tableName, ses, { [KILL_AFTER_ACCEPTED_ENV]: '30' });
      await waitUp(app);
      const domain = uniqueDomain();
      const list = await call<{ id: string }>('POST', '/api/lists', { name: 'Tuer et reprendre', kind: 'press', optIn: 'single' });
      for (let i = 0; i < 150; i++) await call('POST', `/api/lists/${list.id}/subscribers`, { email: `k${i}@${domain}` });
      const releases = await call<{ items: { id: string }[] }>('GET', '/api/releases');
      const campaign = await call<{ id: string }>('POST', '/api/campaigns', { releaseId: releases.items[0]?.id, listIds: [list.id] });

      for (const deadline = Date.now() + 120_000; app.child.exitCode === null && app.child.signalCode === null; ) {
        if (Date.now() > deadline) throw new Error(`the app was not killed after its 30th mail:\n${app.output()}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      await app.exited;
      expect(app.child.signalCode).toBe('SIGKILL');
      const outboxAtKill = await outboxOf(ses, domain, false);
      const atKill = outboxAtKill.length;
      expect(atKill).toBeLessThan(150);
      // what the dead worker left: every mail SES accepted is recorded sent, or still claimed (its
      // group of outcomes not yet written: reconciliation settles it from the outbox), never pending
      const client = new DynamoDBClient({
        endpoint: inject('dynamoEndpoint'),
        region: 'eu-west-3',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      });
      const ledger = new Map<string, string>();
      let cursor: string | undefined;
      do {
        const page = await new DynamoStore(client, tableName).listRecipients(campaign.id, { limit: 100, cursor });
        for (const r of page.items) ledger.set(r.email, r.status);
        cursor = page.cursor;
      } while (cursor);
      client.destroy();
      expect(outboxAtKill.map((m) => ledger.get(m.destination.to[0] ?? '')).filter((s) => s !== 'sent' && s !== 'sending')).toEqual([]);
      // the hard case is there: a recipient still `sending` whose mail SES already holds
      const acceptedNotRecorded = outboxAtKill.filter((m) => ledger.get(m.destination.to[0] ?? '') === 'sending');
      expect(acceptedNotRecorded.length).toBeGreaterThanOrEqual(1);

      app = startApp(port, tableName, ses);
      await waitUp(app);
      expect(app.output()).toContain('campagnes reprises 1');
      for (const deadline = Date.now() + 90_000; ; await new Promise((r) => setTimeout(r, 200))) {
        const c = await call<{ status: string }>('GET', `/api/campaigns/${campaign.id}`);
        if (c.status === 'finished') break;
        if (Date.now() > deadline) throw new Error(`campaign not finished: ${JSON.stringify(c)}`);
      }
      const mails = await outboxOf(ses, domain, true);
      // npm start's emulator lost nothing in the kill: the mails accepted before it are back in its outbox.
      for (const m of outboxAtKill) expect(mails.map((x) => x.messageId)).toContain(m.messageId);
      const counts = new Map<string, number>();
      for (const m of mails) counts.set(m.destination.to[0] ?? '', (counts.get(m.destination.to[0] ?? '') ?? 0) + 1);
      expect(counts.size).toBe(150);
      expect([...counts.entries()].filter(([, n]) => n !== 1)).toEqual([]);
      const final = await call<{ counts: Record<string, number> }>('GET', `/api/campaigns/${campaign.id}`);
      expect(final.counts).toMatchObject({ sent: 150, pending: 0, sending: 0, failed: 0 });
      app.child.kill('SIGTERM');
      await app.exited;
    },
    240_000,
  );
});
