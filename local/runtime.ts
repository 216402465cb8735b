import { join } from 'node:path';
import { type ServerType, serve } from '@hono/node-server';
import { ensureTable } from '../functions/adapters/dynamodb/table-definition';
import { crashSwitchFromEnv } from '../functions/adapters/local/fault-injecting-mailer';
import { reconcileClaims } from '../functions/app/reconcile-claims';
import { sweepCampaigns } from '../functions/app/schedule-campaign';
import type { LocalConfig } from '../functions/config';
import { mjmlRenderer } from '../functions/render/compile-release';
import { buildLocalWiring, type LocalWiring } from '../functions/wiring';
import { demoMainBrandId, loadDemoData } from './demo-data';
import { LOOPBACK, type RunningService, startDynamoLocal, startSesEmulator } from './emulators';
import { ensureLocalFirstAdmin, type FirstAdminCredentials } from './first-admin';
import { loadOrCreateLocalSecrets } from './secrets';

export interface RunningRuntime {
  readonly appUrl: string;
  readonly outboxUrl: string;
  readonly adminToken: string;
  readonly adminTokenFile: string;
  readonly demoLoaded: boolean;
  /** The first admin's sign-in (from `$DATA_DIR/first-admin.json`); `created` on the start that made it. */
  readonly firstAdmin: { readonly created: boolean; readonly file: string; readonly credentials?: FirstAdminCredentials };
  readonly resumedCampaigns: number;
  /** Settles once the campaigns found running at start are reconciled and queued again (the app answers meanwhile). */
  readonly resumed: Promise<void>;
  readonly wiring: LocalWiring;
  stop(): Promise<void>;
}

/**
 * Everything `npm start` runs, in dependency order: DynamoDB Local (unless
 * AWS_ENDPOINT_URL_DYNAMODB points elsewhere), the SES emulator (unless AWS_ENDPOINT_URL_SESV2),
 * the table, demo data on first start, running campaigns resumed from the ledger, the HTTP app.
 */
export async function startRuntime(config: LocalConfig, log: (line: string) => void = () => {}): Promise<RunningRuntime> {
  const services: RunningService[] = [];
  const stopAll = async () => {
    for (const s of services.reverse()) await s.stop().catch(() => undefined);
  };
  try {
    if (!config.externalDynamo) {
      log('démarrage de DynamoDB Local…');
      services.push(await startDynamoLocal({ port: config.dynamoPort, dbPath: join(config.dataDir, 'dynamodb') }));
    }
    if (!config.externalSes) {
      const rate = process.env.SES_MAX_SEND_RATE ? Number(process.env.SES_MAX_SEND_RATE) : undefined;
      // Its outbox journalled in the data folder: after a kill -9, reconciliation still finds the mails it had accepted.
      services.push(
        await startSesEmulator({ port: config.sesPort, maxSendRate: rate, outboxJournal: join(config.dataDir, 'ses-outbox.jsonl') }),
      );
    }
    const secrets = loadOrCreateLocalSecrets(config.dataDir, config.adminToken);
    // A test switch (test/e2e/kill-restart.test.ts): die right after SES accepts a given mail.
    // The frame shows COMMUNIQUE_BRAND_ID, else the demo's own brand (the first in the table when it is gone).
    const wiring = buildLocalWiring({ ...config, brandId: config.brandId ?? demoMainBrandId }, secrets, mjmlRenderer, {
      wrapMailer: crashSwitchFromEnv(process.env),
    });
    services.push({ endpoint: '', stop: async () => wiring.close() });
    if ((await ensureTable(wiring.dynamo, config.tableName)) === 'created') log(`table ${config.tableName} créée`);
    const demoLoaded = await loadDemoData(wiring.deps);
    const firstAdmin = await ensureLocalFirstAdmin(wiring.deps, config.dataDir);
    if (config.sesMaxSendRate === undefined) {
      const rate = await wiring.deps.mailer.maxSendRate?.().catch(() => undefined);
      if (rate) wiring.pacer.setRate(rate);
    }

    // The in-process queue does not survive a restart; the ledger does. Claims left by the
    // previous process are settled from the outbox (sent) or released (pending), then running
    // campaigns are queued again. While running, a sweep does the same for claims stuck a minute.
    // Found now, resumed once the app listens: after a crash with thousands of claims in flight,
    // /healthz must not wait for their reconciliation.
    const running = await runningCampaignIds(wiring);
    // The local scheduler: due campaigns are read from the table, so schedules survive restarts.
    const sweep = setInterval(
      () => void sweepCampaigns(wiring.deps, { staleClaimMs: 60_000 }).catch((e: unknown) => log(`programmation : ${String(e)}`)),
      5_000,
    );
    sweep.unref();
    services.push({ endpoint: '', stop: async () => clearInterval(sweep) });

    const server: ServerType = await new Promise((resolve, reject) => {
      const s = serve({ fetch: wiring.http.fetch, port: config.port, hostname: LOOPBACK }, () => resolve(s));
      s.once('error', reject);
    });
    services.push({
      endpoint: '',
      stop: () =>
        new Promise<void>((r) => {
          server.close(() => r());
          if ('closeAllConnections' in server) server.closeAllConnections();
        }),
    });
    const resumed = resumeCampaigns(wiring, running).catch((e: unknown) => log(`reprise des campagnes : ${String(e)}`));
    services.push({ endpoint: '', stop: () => resumed }); // stopped first: no reconciliation cut off half-way
    return {
      appUrl: `http://localhost:${config.port}`,
      outboxUrl: config.sesEndpoint ?? '',
      adminToken: secrets.adminToken,
      adminTokenFile: join(config.dataDir, 'admin-token'),
      demoLoaded,
      firstAdmin,
      resumedCampaigns: running.length,
      resumed,
      wiring,
      stop: stopAll,
    };
  } catch (e: unknown) {
    await stopAll();
    throw e;
  }
}

async function runningCampaignIds(wiring: LocalWiring): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await wiring.deps.store.listCampaigns({ cursor, limit: 100 });
    cursor = page.cursor;
    ids.push(...page.items.filter((x) => x.status === 'running').map((x) => x.id));
  } while (cursor);
  return ids;
}

/** Claims of a dead process are settled from the outbox or released (any age: that process is gone), then the campaign is queued again. */
async function resumeCampaigns(wiring: LocalWiring, campaignIds: readonly string[]): Promise<void> {
  for (const id of campaignIds) {
    await reconcileClaims(wiring.deps, id, 0);
    await wiring.queue.enqueue([{ type: 'launch', campaignId: id }]);
  }
}
