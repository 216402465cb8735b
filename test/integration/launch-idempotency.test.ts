import { beforeAll, describe, expect, it } from 'vitest';
import { buildLocalWiring, type LocalWiring } from '../../functions/wiring';
import { freshTable, localConfigFor, uniqueDomain } from '../support/emulator-context';
import { fakeRenderer, testBrand } from '../support/fakes';

let wiring: LocalWiring;
let releaseId: string;
let presse: string;
let autre: string;

async function call<T = Record<string, unknown>>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const r = await wiring.http.request(`/api${path}`, {
    method,
    headers: { authorization: 'Bearer root', 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.status, body: (await r.json()) as T };
}

beforeAll(async () => {
  const { tableName } = await freshTable('idem');
  wiring = buildLocalWiring(
    localConfigFor(tableName),
    { adminToken: 'root', tokenKeys: { currentKeyId: 'k1', keys: { k1: 'k' } } },
    fakeRenderer,
    { onQueueError: () => undefined },
  );
  await wiring.deps.store.putBrand(testBrand);
  const domain = uniqueDomain();
  presse = (await call<{ id: string }>('POST', '/lists', { name: 'Presse', kind: 'press', optIn: 'single' })).body.id;
  autre = (await call<{ id: string }>('POST', '/lists', { name: 'Presse bis', kind: 'press', optIn: 'single' })).body.id;
  await call('POST', `/lists/${presse}/subscribers`, { email: `a@${domain}` });
  await call('POST', `/lists/${autre}/subscribers`, { email: `b@${domain}` });
  // scheduled sends: nothing leaves during the test
  releaseId = (await call<{ id: string }>('POST', '/releases', { brandId: 'cd41', title: 'Idempotent' })).body.id;
});

const campaignsOf = async (release: string) => {
  const page = await wiring.deps.store.listCampaigns({ limit: 100 });
  return page.items.filter((c) => c.releaseId === release);
};

describe('POST /api/campaigns with an Idempotency-Key header (DynamoDB Local)', () => {
  it('answers the same campaign for the same key and request, and creates one campaign only', async () => {
    const request = { releaseId, listIds: [presse], sendAt: '2030-01-07T10:00' };
    const first = await call<{ id: string; status: string }>('POST', '/campaigns', request, { 'idempotency-key': 'cle-idem-0001' });
    const again = await call<{ id: string }>('POST', '/campaigns', request, { 'idempotency-key': 'cle-idem-0001' });

    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.body.id).toBe(first.body.id);
    expect((await campaignsOf(releaseId)).map((c) => c.id)).toEqual([first.body.id]);
  });

  it('answers 422 when the key is reused with a different request, and creates nothing', async () => {
    const key = { 'idempotency-key': 'cle-idem-0002' };
    const first = await call<{ id: string }>('POST', '/campaigns', { releaseId, listIds: [presse], sendAt: '2030-01-08T10:00' }, key);
    expect(first.status).toBe(202);
    const before = (await campaignsOf(releaseId)).length;

    const otherLists = await call<{ message: string }>(
      'POST',
      '/campaigns',
      { releaseId, listIds: [autre], sendAt: '2030-01-08T10:00' },
      key,
    );
    const otherTime = await call<{ message: string }>(
      'POST',
      '/campaigns',
      { releaseId, listIds: [presse], sendAt: '2030-01-09T10:00' },
      key,
    );

    expect(otherLists.status).toBe(422);
    expect(otherLists.body.message).toMatch(/clé d’idempotence/);
    expect(otherTime.status).toBe(422);
    expect((await campaignsOf(releaseId)).length).toBe(before);
  });

  it('once the campaign is recorded, a later failure still answers with the campaign, not an error inviting a retry', async () => {
    const store = wiring.deps.store;
    const appendAudit = store.appendAudit.bind(store);
    store.appendAudit = async () => {
      throw new Error('audit table unavailable');
    };
    try {
      const r = await call<{ id: string; status: string }>(
        'POST',
        '/campaigns',
        { releaseId, listIds: [presse], sendAt: '2030-01-10T10:00' },
        { 'idempotency-key': 'cle-idem-0003' },
      );
      expect(r.status).toBe(202);
      expect(r.body.status).toBe('scheduled');
      expect((await store.getCampaign(r.body.id))?.status).toBe('scheduled');
    } finally {
      store.appendAudit = appendAudit;
    }
  });
});
