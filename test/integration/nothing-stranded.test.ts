import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AccountRefusal, FaultInjectingMailer } from '../../functions/adapters/local/fault-injecting-mailer';
import type { AppDeps } from '../../functions/app/deps';
import { handleSendMessage } from '../../functions/app/handle-send-message';
import { launchCampaign } from '../../functions/app/launch-campaign';
import { createList } from '../../functions/app/manage-audience';
import { createRelease } from '../../functions/app/manage-releases';
import { requeueUncovered } from '../../functions/app/requeue-uncovered';
import { snapshotAudience } from '../../functions/app/snapshot-audience';
import type { Campaign } from '../../functions/domain/campaign';
import type { Mailer, SendMessage } from '../../functions/ports';
import { buildLocalWiring, type LocalWiring } from '../../functions/wiring';
import { freshTable, localConfigFor, outboxFor, uniqueDomain } from '../support/emulator-context';
import { fakeRenderer, testBrand } from '../support/fakes';
import { freePort } from '../support/free-port';
import { runCli } from '../support/run-cli';

const _projectDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const admin = { authorization: 'Bearer admin' };

/** Changed by each test: what the fault-injecting mailer does, and which addresses fail for a passing or a lasting reason. */
const rates: { accountRefusal?: AccountRefusal } = {};
const transientFor = new Set<string>();
const rejectedFor = new Set<string>();

let wiring: LocalWiring;
let deps: AppDeps;

beforeAll(async () => {
  const { tableName } = await freshTable('stranded');
  wiring = buildLocalWiring(
    localConfigFor(tableName),
    { adminToken: 'admin', tokenKeys: { currentKeyId: 'k1', keys: { k1: 'k' } } },
    fakeRenderer,
    {
      concurrency: 2,
      batchSize: 5,
      sendRate: 1_000,
      onQueueError: () => undefined,
      wrapMailer: (m: Mailer): Mailer => {
        const faults = new FaultInjectingMailer(m, rates);
        return {
          ping: () => m.ping(),
          send: async (mail) => {
            if (transientFor.has(mail.to))
              throw Object.assign(new Error('We encountered an internal error. Please try again.'), {
                name: 'InternalFailure',
                $metadata: { httpStatusCode: 500 },
              });
            if (rejectedFor.has(mail.to))
              throw Object.assign(new Error('Illegal address'), { name: 'MessageRejected', $metadata: { httpStatusCode: 400 } });
            return faults.send(mail);
          },
        };
      },
    },
  );
  deps = wiring.deps;
  await deps.store.putBrand(testBrand);
});

afterAll(() => wiring?.close());

async function campaignTo(n: number, options: { launch?: boolean } = {}) {
  const domain = uniqueDomain();
  const list = await createList(deps, { name: `Liste ${domain}`, kind: 'press', optIn: 'single' });
  const at = new Date().toISOString();
  for (let i = 0; i < n; i++) {
    const id = `${domain}-s${i}`;
    const email = `r${i}@${domain}`;
    await deps.store.createSubscriber({ id, email, tags: [], language: 'fr', createdAt: at, updatedAt: at });
    await deps.store.putMembership({ listId: list.id, subscriberId: id, email, status: 'confirmed', updatedAt: at });
  }
  const release = await createRelease(deps, { brandId: 'cd41', title: `Envoi ${domain}`, body: 'Texte.' });
  if (options.launch === false) return { domain, list, release };
  const { campaign } = await launchCampaign(deps, { releaseId: release.id, listIds: [list.id] });
  await wiring.queue.idle();
  return { domain, list, release, campaign };
}

const campaignNow = async (id: string) => (await deps.store.getCampaign(id)) as Campaign;

/** Each address of the domain got exactly one mail. */
async function oncePerAddress(domain: string, n: number) {
  const mails = await outboxFor(domain);
  const to = mails.flatMap((m) => m.destination.to);
  expect(to).toHaveLength(n);
  expect(new Set(to).size).toBe(n);
}

describe('account-level SES refusals pause the campaign (DynamoDB Local + SES emulator)', () => {
  for (const [refusal, words] of [
    ['identity-not-verified', /n’est pas vérifié/],
    ['configuration-set-missing', /jeu de configuration/],
    ['sending-paused', /suspendu les envois/],
  ] as const) {
    it(`${refusal}: paused with the reason in French, nobody failed, and resume sends each one once`, async () => {
      // prepare
      rates.accountRefusal = refusal;

      // act
      const { campaign, domain } = await campaignTo(6);

      // assess
      const paused = await campaignNow(campaign?.id ?? '');
      expect(paused.status).toBe('paused');
      expect(paused.statusReason).toMatch(words);
      const tally = await deps.store.tallyLedger(paused.id);
      expect(tally.counts).toMatchObject({ failed: 0, sent: 0, sending: 0, pending: 6 });
      expect(await outboxFor(domain)).toEqual([]);

      // the cause is fixed, the publisher resumes
      rates.accountRefusal = undefined;
      expect((await wiring.http.request(`/api/campaigns/${paused.id}/resume`, { method: 'POST', headers: admin })).status).toBe(200);
      await wiring.queue.idle();
      expect((await campaignNow(paused.id)).status).toBe('finished');
      await oncePerAddress(domain, 6);
    });
  }

  it('GetAccount failing pauses the campaign with the reason instead of guessing a rate', async () => {
    const { release, list, domain } = await campaignTo(3, { launch: false });
    const { campaign } = await launchCampaign(
      { ...deps, queue: { enqueue: async () => undefined } },
      { releaseId: release.id, listIds: [list.id] },
    );
    const failing: AppDeps = {
      ...deps,
      ensureSendRate: async () => {
        throw Object.assign(new Error('User is not authorized to perform: ses:GetAccount'), { name: 'AccessDeniedException' });
      },
    };
    const sends: SendMessage[] = [];
    await snapshotAudience({ ...failing, queue: { enqueue: async (m) => void sends.push(...m) } }, campaign.id);

    for (const m of sends) await handleSendMessage(failing, m);

    const paused = await campaignNow(campaign.id);
    expect(paused.status).toBe('paused');
    expect(paused.statusReason).toMatch(/GetAccount.*AccessDeniedException.*débit deviné/);
    expect((await deps.store.tallyLedger(campaign.id)).counts).toMatchObject({ pending: 3, sending: 0, failed: 0 });
    expect(await outboxFor(domain)).toEqual([]);
  });
});

describe('resend to failed (POST /api/campaigns/{id}/resend-failed, DynamoDB Local)', () => {
  it('sends again to those who failed for a passing reason, never to anyone sent, not to a rejected address', async () => {
    // prepare: r1 and r2 meet a 5xx at every delivery, r3 is refused for good
    const domain = uniqueDomain();
    for (const i of [1, 2]) transientFor.add(`r${i}@${domain}`);
    rejectedFor.add(`r3@${domain}`);
    const { release, list } = await campaignToDomain(domain, 6);
    const { campaign } = await launchCampaign(deps, { releaseId: release.id, listIds: [list.id] });
    await wiring.queue.idle();
    const before = await campaignNow(campaign.id);
    expect(before.status).toBe('finished');
    expect(before.counts).toMatchObject({ sent: 3, failed: 3 });
    expect(wiring.queue.deadLetters).toEqual([]); // recorded as passing failures on the last delivery, not dead-lettered
    transientFor.clear();

    // act
    const res = await wiring.http.request(`/api/campaigns/${campaign.id}/resend-failed`, { method: 'POST', headers: admin });
    await wiring.queue.idle();

    // assess
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ requeued: 2, keptFailed: 1 });
    const after = await campaignNow(campaign.id);
    expect(after.status).toBe('finished');
    expect(after.counts).toMatchObject({ sent: 5, failed: 1, pending: 0, sending: 0 });
    const to = (await outboxFor(domain)).flatMap((m) => m.destination.to);
    expect(to.sort()).toEqual([0, 1, 2, 4, 5].map((i) => `r${i}@${domain}`).sort());
    // a second click finds nobody to resend to
    const again = await wiring.http.request(`/api/campaigns/${campaign.id}/resend-failed`, { method: 'POST', headers: admin });
    expect(await again.json()).toMatchObject({ requeued: 0, keptFailed: 1 });
    rejectedFor.clear();
  });

  it('refuses a campaign that never left (409, French)', async () => {
    const { release, list } = await campaignTo(1, { launch: false });
    const { campaign } = await launchCampaign(deps, { releaseId: release.id, listIds: [list.id], sendAt: '2099-01-01T10:00' });
    const res = await wiring.http.request(`/api/campaigns/${campaign.id}/resend-failed`, { method: 'POST', headers: admin });
    expect(res.status).toBe(409);
    expect(JSON.stringify(await res.json())).toMatch(/Seule une campagne lancée/);
  });
});

async function campaignToDomain(domain: string, n: number) {
  const list = await createList(deps, { name: `Liste ${domain}`, kind: 'press', optIn: 'single' });
  const at = new Date().toISOString();
  for (let i = 0; i < n; i++) {
    const id = `${domain}-s${i}`;
    const email = `r${i}@${domain}`;
    await deps.store.createSubscriber({ id, email, tags: [], language: 'fr', createdAt: at, updatedAt: at });
    await deps.store.putMembership({ listId: list.id, subscriberId: id, email, status: 'confirmed', updatedAt: at });
  }
  const release = await createRelease(deps, { brandId: 'cd41', title: `Envoi ${domain}`, body: 'Texte.' });
  return { list, release };
}

describe('the sweep queues again what no message covers (DynamoDB Local)', () => {
  it('requeues the pending recipients of a campaign whose messages were lost, once per period, and leaves a live one alone', async () => {
    // prepare: the snapshot's send messages are lost (dead-lettered and gone, a crashed worker)
    const domain = uniqueDomain();
    const { release, list } = await campaignToDomain(domain, 7);
    const lost: AppDeps = { ...deps, queue: { enqueue: async () => undefined } };
    const { campaign } = await launchCampaign(lost, { releaseId: release.id, listIds: [list.id] });
    await snapshotAudience(lost, campaign.id);
    const later = (ms: number): AppDeps => ({ ...deps, clock: { now: () => new Date(Date.now() + ms) } });
    const period = 30 * 60_000;

    // act & assess: still within the period, nothing; past it, all 7, once
    expect(await requeueUncovered(later(period / 2), await campaignNow(campaign.id), period)).toBe(0);
    const queued: SendMessage[] = [];
    const watching: AppDeps = { ...later(period + 60_000), queue: { enqueue: async (m) => void queued.push(...m) } };
    expect(await requeueUncovered(watching, await campaignNow(campaign.id), period)).toBe(7);
    expect(await requeueUncovered(watching, await campaignNow(campaign.id), period)).toBe(0); // once per period
    await wiring.queue.enqueue(queued);
    await wiring.queue.idle();
    expect((await campaignNow(campaign.id)).status).toBe('finished');
    await oncePerAddress(domain, 7);
  });

  it('does not requeue a campaign that is sending, nor one just resumed', async () => {
    const domain = uniqueDomain();
    const { release, list } = await campaignToDomain(domain, 4);
    const lost: AppDeps = { ...deps, queue: { enqueue: async () => undefined } };
    const { campaign } = await launchCampaign(lost, { releaseId: release.id, listIds: [list.id] });
    await snapshotAudience(lost, campaign.id);
    const in31min: AppDeps = { ...deps, clock: { now: () => new Date(Date.now() + 31 * 60_000) } };
    // a worker holds a claim (alive): the ledger shows life
    await deps.store.claimRecipients(campaign.id, [`${domain}-s0`], new Date(Date.now() + 31 * 60_000).toISOString());
    expect(await requeueUncovered(in31min, await campaignNow(campaign.id), 30 * 60_000)).toBe(0);
    // released, then paused and resumed just now (in the future clock's terms): the resume queues them itself
    await deps.store.settleRecipients(
      campaign.id,
      [{ subscriberId: `${domain}-s0`, outcome: { status: 'pending', error: 'x' } }],
      new Date(Date.now() - 60 * 60_000).toISOString(),
    );
    await deps.store.setCampaignStatus(campaign.id, 'paused', ['running'], new Date().toISOString());
    await deps.store.setCampaignStatus(campaign.id, 'running', ['paused'], new Date(Date.now() + 30 * 60_000).toISOString());
    expect(await requeueUncovered(in31min, await campaignNow(campaign.id), 30 * 60_000)).toBe(0);
  });
});

describe('dead letters: communique dlq list | redrive (local, end to end)', () => {
  it('lists a message that exhausted its receives and redrives it, through the API and the CLI', async () => {
    // prepare: a send message whose ledger read fails at every receive, as during an outage
    const { campaign, domain } = await campaignTo(2);
    const id = campaign?.id ?? '';
    const broken = { type: 'send', campaignId: id, subscriberIds: ['nobody'] } as const;
    const getRecipients = deps.store.getRecipients.bind(deps.store);
    let failing = true;
    deps.store.getRecipients = async (c, ids) => {
      if (failing && c === id) throw new Error('table unreachable for this campaign');
      return getRecipients(c, ids);
    };
    await wiring.queue.enqueue([broken]);
    await wiring.queue.idle();
    expect(wiring.queue.deadLetters).toEqual([broken]);
    const port = await freePort();
    const server = serve({ fetch: wiring.http.fetch, port, hostname: '127.0.0.1' });
    const env = { COMMUNIQUE_API_URL: `http://127.0.0.1:${port}`, COMMUNIQUE_ADMIN_TOKEN: 'admin' };
    try {
      // act: list through the CLI
      const list = await runCli(['dlq', 'list'], env);
      expect(list.code).toBe(0);
      expect(list.stdout).toContain(`send    campagne ${id} (1 destinataire(s))`);
      expect(wiring.queue.deadLetters).toHaveLength(1); // listing leaves them in place

      // the cause is fixed; redrive
      failing = false;
      const redrive = await runCli(['dlq', 'redrive'], env);
      await wiring.queue.idle();

      // assess
      expect(redrive.code).toBe(0);
      expect(redrive.stdout).toContain('1 message(s) remis en file');
      expect(wiring.queue.deadLetters).toEqual([]);
      const empty = await runCli(['dlq', 'list'], env);
      expect(empty.stdout).toContain('aucune lettre morte');
      expect((await campaignNow(id)).status).toBe('finished');
      await oncePerAddress(domain, 2);
    } finally {
      deps.store.getRecipients = getRecipients;
      await new Promise<void>((r) => server.close(() => r()));
    }
  }, 60_000);
});
