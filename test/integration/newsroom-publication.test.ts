import { beforeAll, describe, expect, it } from 'vitest';
import { reconcileClaims } from '../../functions/app/reconcile-claims';
import type { Mailer } from '../../functions/ports';
import { buildLocalWiring, type LocalWiring } from '../../functions/wiring';
import { freshTable, localConfigFor, outboxFor, uniqueDomain } from '../support/emulator-context';
import { fakeRenderer, testBrand } from '../support/fakes';

/** Holds every send until `open()`: the campaign is launched and queued, and no mail has left yet. */
class GatedMailer implements Mailer {
  waiting = 0;
  private release!: () => void;
  private readonly gate = new Promise<void>((r) => (this.release = r));
  constructor(private readonly inner: Mailer) {}
  async send(mail: Parameters<Mailer['send']>[0]) {
    this.waiting++;
    await this.gate;
    return this.inner.send(mail);
  }
  ping() {
    return this.inner.ping();
  }
  open() {
    this.release();
  }
}

let wiring: LocalWiring;
let gated: GatedMailer;

async function call<T = Record<string, unknown>>(method: string, path: string, body?: unknown, token = 'root') {
  const r = await wiring.http.request(`/api${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.status, body: (await r.json()) as T };
}
const page = async (path: string) => {
  const r = await wiring.http.request(path);
  return { status: r.status, text: await r.text() };
};
async function until(what: string, check: () => Promise<boolean>) {
  for (let i = 0; i < 300; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`still waiting for: ${what}`);
}

beforeAll(async () => {
  const { tableName } = await freshTable('publication');
  wiring = buildLocalWiring(
    localConfigFor(tableName),
    { adminToken: 'root', tokenKeys: { currentKeyId: 'k1', keys: { k1: 'k' } } },
    fakeRenderer,
    { sendRate: 1_000, wrapMailer: (m) => (gated = new GatedMailer(m)) },
  );
  await wiring.deps.store.putBrand(testBrand);
});

describe('the newsroom shows a release once its first mail left, until a publisher takes it back (DynamoDB Local + SES emulator)', () => {
  it('is absent while the campaign is queued, present after the first mail, gone after unpublish, with the 404 of an unknown release', async () => {
    const domain = uniqueDomain();
    const list = await call<{ id: string }>('POST', '/lists', { name: 'Presse', kind: 'press', optIn: 'single' });
    await call('POST', `/lists/${list.body.id}/subscribers`, { email: `redaction@${domain}` });
    const release = await call<{ id: string }>('POST', '/releases', { brandId: 'cd41', title: 'Communiqué envoyé par erreur' });
    const id = release.body.id;

    const launched = await call<{ id: string }>('POST', '/campaigns', { releaseId: id, listIds: [list.body.id] });
    expect(launched.status).toBe(202);
    await until('a worker waiting to send', async () => gated.waiting > 0);

    // queued, nothing out yet: not public
    expect((await page('/newsroom')).text).not.toContain('Communiqué envoyé par erreur');
    expect((await page(`/releases/${id}`)).status).toBe(404);

    gated.open();
    await until(
      'the campaign finished',
      async () => (await call<{ status: string }>('GET', `/campaigns/${launched.body.id}`)).body.status === 'finished',
    );
    expect(await outboxFor(domain)).toHaveLength(1);
    expect((await page('/newsroom')).text).toContain('Communiqué envoyé par erreur');
    expect((await page('/newsroom/feed.xml')).text).toContain('Communiqué envoyé par erreur');
    expect((await page(`/releases/${id}`)).status).toBe(200);

    // an editor may not take it back; a publisher may
    const editor = (await call<{ token: string }>('POST', '/tokens', { name: 'Anne', role: 'editor' })).body.token;
    expect((await call('POST', `/releases/${id}/unpublish`, undefined, editor)).status).toBe(403);
    const publisher = (await call<{ token: string }>('POST', '/tokens', { name: 'Léa', role: 'publisher' })).body.token;
    const unpublished = await call<{ unpublishedAt?: string }>('POST', `/releases/${id}/unpublish`, undefined, publisher);
    expect(unpublished.status).toBe(200);
    expect(unpublished.body.unpublishedAt).toBeDefined();

    expect((await page('/newsroom')).text).not.toContain('Communiqué envoyé par erreur');
    expect((await page('/newsroom/cd41')).text).not.toContain('Communiqué envoyé par erreur');
    expect((await page('/newsroom/feed.xml')).text).not.toContain('Communiqué envoyé par erreur');
    const gone = await page(`/releases/${id}`);
    const unknown = await page('/releases/no-such-release');
    expect(gone.status).toBe(404);
    expect(gone.text).toBe(unknown.text);
    const month = new Date().toISOString().slice(0, 7);
    const audit = await call<{ items: { action: string; entityId: string; actorName: string }[] }>('GET', `/audit?month=${month}`);
    expect(audit.body.items).toContainEqual(expect.objectContaining({ action: 'release.unpublished', entityId: id, actorName: 'Léa' }));
  });

  it('is published when the ledger learns of its first mail after a worker died before recording it', async () => {
    const domain = uniqueDomain();
    const list = await call<{ id: string }>('POST', '/lists', { name: 'Presse (reprise)', kind: 'press', optIn: 'single' });
    await call('POST', `/lists/${list.body.id}/subscribers`, { email: `seul@${domain}` });
    const release = await call<{ id: string }>('POST', '/releases', { brandId: 'cd41', title: 'Parti pendant la panne' });
    const store = wiring.deps.store;
    const settle = store.settleRecipients.bind(store);
    // the worker "dies" after SES accepted the mail, before writing its outcome, every time
    store.settleRecipients = async () => {
      throw new Error('worker killed after SES accepted the mail');
    };
    let campaignId = '';
    try {
      campaignId = (await call<{ id: string }>('POST', '/campaigns', { releaseId: release.body.id, listIds: [list.body.id] })).body.id;
      await until('the mail in the outbox', async () => (await outboxFor(domain)).length === 1);
      await new Promise((r) => setTimeout(r, 300));
      expect((await page(`/releases/${release.body.id}`)).status).toBe(404);
    } finally {
      store.settleRecipients = settle;
    }

    // reconciliation finds the mail at SES by its reference and records it: the campaign finishes, the release is public
    await until('the claim settled', async () => {
      await reconcileClaims(wiring.deps, campaignId, 0);
      return (await call<{ status: string }>('GET', `/campaigns/${campaignId}`)).body.status === 'finished';
    });
    expect((await page(`/releases/${release.body.id}`)).status).toBe(200);
    expect(await outboxFor(domain)).toHaveLength(1);
  });
});
