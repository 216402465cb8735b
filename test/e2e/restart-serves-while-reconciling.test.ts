import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { loadLocalConfig } from '../../functions/config';
import { buildLocalWiring } from '../../functions/wiring';
import { type RunningRuntime, startRuntime } from '../../local/runtime';
import { leaveCrashedCampaign } from '../support/crashed-campaign';
import { freshTable, localConfigFor, outboxFor } from '../support/emulator-context';
import { fakeRenderer } from '../support/fakes';
import { freePort } from '../support/free-port';
import { type SesProxy, startSesProxy } from '../support/ses-proxy';

const dataDir = mkdtempSync(join(tmpdir(), 'communique-resume-'));
let runtime: RunningRuntime | undefined;
let proxy: SesProxy | undefined;
afterAll(async () => {
  await runtime?.stop();
  await proxy?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const healthy = async (url: string) => (await fetch(`${url}/healthz`).catch(() => undefined))?.status === 200;

describe('restart after a crash', () => {
  it('answers /healthz while the claims left by the dead process are still being reconciled, then resumes the campaign', async () => {
    // prepare: what a kill -9 left (30 claims, 15 mails accepted); the outbox reads held by a proxy
    const { tableName } = await freshTable('resume');
    const before = buildLocalWiring(
      localConfigFor(tableName),
      { adminToken: 'a', tokenKeys: { currentKeyId: 'k1', keys: { k1: 'k' } } },
      fakeRenderer,
    );
    const crashed = await leaveCrashedCampaign(before.deps, { recipients: 30, accepted: 15, claimedAt: new Date(Date.now() - 120_000) });
    before.close();
    proxy = await startSesProxy(inject('sesEndpoint'));
    const held = proxy.holdOutboxReads();
    const port = await freePort();
    const config = loadLocalConfig({
      PORT: String(port),
      DATA_DIR: dataDir,
      TABLE_NAME: tableName,
      AWS_ENDPOINT_URL_DYNAMODB: inject('dynamoEndpoint'),
      AWS_ENDPOINT_URL_SESV2: proxy.endpoint,
      COMMUNIQUE_ADMIN_TOKEN: 'resume-token',
    });
    const app = `http://127.0.0.1:${port}`;

    // act: start, and wait for /healthz (bounded: today's runtime never listens while the read is held)
    const starting = startRuntime(config).then((r) => (runtime = r));
    let up = false;
    for (let i = 0; i < 300 && !up; i++) {
      up = await healthy(app);
      if (!up) await new Promise((r) => setTimeout(r, 200));
    }

    // assess: healthy while reconciliation waits for the outbox, nothing settled yet
    expect(up).toBe(true);
    expect(proxy.calls.get('GET /store')).toBeGreaterThanOrEqual(1);
    const stillClaimed = await before.deps.store.getRecipients(crashed.campaignId, crashed.subscriberIds);
    expect(stillClaimed.filter((r) => r.status !== 'sending')).toEqual([]);

    // then the reconciliation ends and the campaign resumes: one mail per recipient
    held.release();
    const started = await starting;
    expect(started.resumedCampaigns).toBe(1);
    await started.resumed;
    await started.wiring.queue.idle();
    const mails = await outboxFor(crashed.domain);
    expect(mails).toHaveLength(30);
    expect(new Set(mails.map((m) => m.destination.to[0])).size).toBe(30);
    const campaign = await started.wiring.deps.store.getCampaign(crashed.campaignId);
    expect(campaign?.status).toBe('finished');
    expect(campaign?.counts).toMatchObject({ sent: 30, sending: 0, pending: 0 });
  }, 120_000);
});
