/**
 * What the send benches share: emulators on free ports, a fresh table, the local wiring with the
 * real compiler, the demo brands and a seed release, and N confirmed recipients on one list.
 * Lives under `bench/support/` so `bench/run-all.ts` does not take it for a bench.
 */

import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { CreateTableCommand, DynamoDBClient, type Projection } from '@aws-sdk/client-dynamodb';
import { ensureTable, tableDefinition } from '../../functions/adapters/dynamodb/table-definition';
import type { AppDeps } from '../../functions/app/deps';
import { createList } from '../../functions/app/manage-audience';
import { createRelease } from '../../functions/app/manage-releases';
import { recipientLinks, unsubscribeHeaders } from '../../functions/app/recipient-links';
import type { LocalConfig } from '../../functions/config';
import { type BrandInput, brandSchema } from '../../functions/domain/brand';
import { recipientRef, recipientRefHeader } from '../../functions/domain/campaign';
import type { Release, ReleaseContentInput } from '../../functions/domain/release';
import type { TokenKeyRing } from '../../functions/domain/tokens';
import type { OutgoingMail } from '../../functions/ports';
import { mjmlRenderer } from '../../functions/render/compile-release';
import { personalise } from '../../functions/render/compiled-mail';
import { buildLocalWiring, type LocalWiring } from '../../functions/wiring';
import { type RunningService, startDynamoLocal, startSesEmulator } from '../../local/emulators';
import { freePort } from '../../test/support/free-port';

export const benchTokenKeys: TokenKeyRing = { currentKeyId: 'k1', keys: { k1: 'bench-signing-key-0123456789abcdef' } };

/** A positive integer option, or exit 2 with the usage line. */
export function intOption(value: string | undefined, name: string, usage: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`--${name} must be a positive integer, got "${value}"\nusage: ${usage}`);
    process.exit(2);
  }
  return n;
}

export interface BenchEnv {
  readonly dynamo: RunningService;
  /** Absent when the bench asked for no emulator (CPU bench with a stub mailer). */
  readonly ses?: RunningService;
  stop(): Promise<void>;
}

/** DynamoDB Local in memory (its own JVM) and, unless told otherwise, the SES emulator in this process. */
export async function startBenchEnv(options: { ses?: boolean; maxSendRate?: number } = {}): Promise<BenchEnv> {
  const dynamo = await startDynamoLocal({ port: await freePort(), timeoutMs: 60_000 });
  let ses: RunningService | undefined;
  try {
    if (options.ses !== false) ses = await startSesEmulator({ port: await freePort(), maxSendRate: options.maxSendRate });
  } catch (e: unknown) {
    await dynamo.stop();
    throw e;
  }
  return {
    dynamo,
    ses,
    async stop() {
      await ses?.stop();
      await dynamo.stop();
    },
  };
}

/** Empties the emulator's outbox (it keeps every mail in memory, and `/store` gets slow). */
export async function clearOutbox(ses: RunningService): Promise<void> {
  const r = await fetch(`${ses.endpoint}/clear-store`, { method: 'POST' });
  if (!r.ok) throw new Error(`POST /clear-store answered ${r.status}`);
}

/** How many mails the emulator holds. */
export async function outboxCount(ses: RunningService): Promise<number> {
  const r = await fetch(`${ses.endpoint}/store`);
  const { emails } = (await r.json()) as { emails: unknown[] };
  return emails.length;
}

export async function freshWiring(
  env: BenchEnv,
  options: Parameters<typeof buildLocalWiring>[3] = {},
  /** Another gsi1 projection than the store's (to measure what the store's saves). */
  table: { gsi1Projection?: Projection } = {},
): Promise<{ wiring: LocalWiring; tableName: string }> {
  const tableName = `bench-send-${randomUUID().slice(0, 8)}`;
  const client = new DynamoDBClient({
    endpoint: env.dynamo.endpoint,
    region: 'eu-west-3',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    const projection = table.gsi1Projection;
    if (projection) {
      const definition = tableDefinition(tableName);
      await client.send(
        new CreateTableCommand({
          ...definition,
          GlobalSecondaryIndexes: definition.GlobalSecondaryIndexes?.map((g) => ({ ...g, Projection: projection })),
        }),
      );
    }
    await ensureTable(client, tableName);
  } finally {
    client.destroy();
  }
  const config: LocalConfig = {
    region: 'eu-west-3',
    tableName,
    publicBaseUrl: 'https://communique.example.org',
    dynamoEndpoint: env.dynamo.endpoint,
    sesEndpoint: env.ses?.endpoint,
    port: 0,
    dynamoPort: 0,
    sesPort: 0,
    dataDir: '.data-bench',
    externalDynamo: true,
    externalSes: true,
  };
  const wiring = buildLocalWiring(config, { adminToken: 'bench', tokenKeys: benchTokenKeys }, mjmlRenderer, {
    onQueueError: (e) => console.error('  queue error:', e instanceof Error ? e.message : e),
    ...options,
  });
  return { wiring, tableName };
}

const demoJson = <T>(name: string): T =>
  JSON.parse(readFileSync(fileURLToPath(new URL(`../../local/demo/${name}`, import.meta.url)), 'utf8')) as T;

/** The demo brands and one seed release (000, the communiqué, by default), as `npm start` loads them. */
export async function seedRelease(deps: AppDeps, seed: '000' | '001' = '000'): Promise<Release> {
  for (const brand of demoJson<BrandInput[]>('brands.json')) await deps.store.putBrand(brandSchema.parse(brand));
  return createRelease(deps, demoJson<ReleaseContentInput>(`seed-${seed}.json`));
}

/**
 * The mail a campaign of `release` sends to recipient `i` of `seedAudience`, built as the worker
 * builds it (compiled once, personalised once; only the address and tags vary), for loops that
 * must move the same bytes as a real campaign without running our per-recipient code.
 */
export async function seedMail(
  deps: AppDeps,
  release: Release,
  domain: string,
): Promise<{ mail: (i: number) => OutgoingMail; bytes: number }> {
  const brand = await deps.store.getBrand(release.content.brandId);
  if (!brand) throw new Error(`no brand ${release.content.brandId}`);
  const coBrands = (await Promise.all(release.content.coBrandIds.map((b) => deps.store.getBrand(b)))).filter((b) => b !== undefined);
  const compiled = await deps.compileRelease({
    content: release.content,
    brand,
    coBrands,
    webVersionUrl: `${deps.publicBaseUrl}/releases/${release.id}`,
    now: new Date(),
  });
  const campaignId = '00000000-0000-0000-0000-000000000000';
  const links = recipientLinks(deps, 's0', campaignId);
  const content = personalise(compiled, { ...links, email: `r0@${domain}`, name: 'Abonné 0' });
  const bytes =
    Buffer.byteLength(content.html) +
    Buffer.byteLength(content.text) +
    (compiled.attachments ?? []).reduce((n, a) => n + Buffer.byteLength(a.content), 0);
  return {
    bytes,
    mail: (i) => ({
      from: { name: brand.senderName, address: brand.senderEmail },
      replyTo: brand.replyTo ? [brand.replyTo] : undefined,
      to: `r${i}@${domain}`,
      subject: content.subject,
      html: content.html,
      text: content.text,
      headers: [...unsubscribeHeaders(links.unsubscribeUrl), { name: recipientRefHeader, value: recipientRef(campaignId, `s${i}`) }],
      attachments: compiled.attachments,
      tags: { campaign: campaignId, recipient: `s${i}` },
    }),
  };
}

/**
 * One list of `n` confirmed subscribers, written 100 at a time as the campaign-faults test does.
 * Addresses are `r<i>@<domain>`, ids `<tag>-<i>`, with a fresh tag and domain per call.
 */
export async function seedAudience(deps: AppDeps, n: number, label = 'Bench'): Promise<{ listId: string; domain: string }> {
  const list = await createList(deps, { name: label, kind: 'press', optIn: 'single' });
  const tag = `b${randomUUID().slice(0, 8)}`;
  const domain = `${tag}.example.org`;
  const at = new Date().toISOString();
  // Written as an import writes them (batched, and without entries in the audience change log:
  // an import changes no one's mail already in a campaign). Written one sign-up at a time, the
  // N confirmations would sit in the change log's last minute, which every send batch of a
  // campaign launched right after reads (it looks a minute before its snapshot for clock skew):
  // nothing an audience of this size goes through in a minute.
  for (let i = 0; i < n; i += 500) {
    const rows = Array.from({ length: Math.min(500, n - i) }, (_, j) => {
      const id = `${tag}-${i + j}`;
      const email = `r${i + j}@${domain}`;
      return {
        subscriber: {
          mode: 'create' as const,
          value: { id, email, name: `Abonné ${i + j}`, tags: [], language: 'fr', createdAt: at, updatedAt: at },
        },
        membership: { listId: list.id, subscriberId: id, email, status: 'confirmed' as const, updatedAt: at },
      };
    });
    const results = await deps.store.writeContacts(rows);
    const refused = results.find((r) => r !== 'written');
    if (refused) throw new Error(`seedAudience: a row was refused (${refused})`);
  }
  return { listId: list.id, domain };
}

/** Waits until nothing is queued, in flight or waiting for a retry; returns the campaign then. */
export async function runToEnd(wiring: LocalWiring, campaignId: string) {
  await wiring.queue.idle();
  return wiring.deps.store.getCampaign(campaignId);
}

/**
 * CPU time (ms, user + system) used so far by the DynamoDB Local JVM listening on the bench's
 * port, read from /proc (Linux); undefined elsewhere. The JVM is where the ledger's writes cost
 * CPU, outside the bench's own process.
 */
export function dynamoCpuMs(env: BenchEnv): number | undefined {
  const port = new URL(env.dynamo.endpoint).port;
  try {
    const ticksPerSecond = 100; // USER_HZ on Linux
    for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
      let cmdline: string;
      try {
        cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      } catch {
        continue;
      }
      const args = cmdline.split('\0');
      if (!args.some((a) => a.includes('DynamoDBLocal')) || args[args.indexOf('-port') + 1] !== port) continue;
      const fields = (readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1] ?? '').split(' ');
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
    }
  } catch {
    // not Linux, or /proc not readable
  }
  return undefined;
}

/** Counts the requests a DynamoDB client sends, by command name (a middleware on its stack, which the document client shares). */
export function countDynamoRequests(client: LocalWiring['dynamo']): {
  counts: Map<string, number>;
  total: () => number;
  reset: () => void;
} {
  const counts = new Map<string, number>();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = String((context as { commandName?: string }).commandName ?? 'unknown');
      counts.set(name, (counts.get(name) ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize', name: 'benchRequestCounter' },
  );
  return { counts, total: () => [...counts.values()].reduce((a, b) => a + b, 0), reset: () => counts.clear() };
}

/** The context a figure needs: this machine is small and shared. */
export const machineNote = () =>
  `${availableParallelism()} cores, load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ')} (1 / 5 / 15 min)`;

export const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** A plain text table: first column left-aligned, the others right-aligned. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
