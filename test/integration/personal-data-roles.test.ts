import { beforeAll, describe, expect, it } from 'vitest';
import { buildLocalWiring, type LocalWiring } from '../../functions/wiring';
import { freshTable, localConfigFor, uniqueDomain } from '../support/emulator-context';
import { fakeRenderer, testBrand } from '../support/fakes';

/** Issue 10, point 5: who may read personal data through the API (DynamoDB Local, role-bound tokens). */
let wiring: LocalWiring;
const tokens: Record<string, string> = { admin: 'root' };
const paths: Record<string, string> = {};

async function call<T = Record<string, unknown>>(token: string, method: string, path: string, body?: unknown) {
  const r = await wiring.http.request(`/api${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.status, body: (await r.json()) as T };
}

beforeAll(async () => {
  const { tableName } = await freshTable('roles');
  wiring = buildLocalWiring(
    localConfigFor(tableName),
    { adminToken: 'root', tokenKeys: { currentKeyId: 'k1', keys: { k1: 'k' } } },
    fakeRenderer,
    { concurrency: 2 },
  );
  await wiring.deps.store.putBrand(testBrand);
  for (const role of ['editor', 'reviewer', 'publisher'])
    tokens[role] = (await call<{ token: string }>('root', 'POST', '/tokens', { name: role, role })).body.token;

  const publisher = tokens.publisher as string;
  const domain = uniqueDomain();
  const list = await call<{ id: string }>(publisher, 'POST', '/lists', { name: 'Presse', kind: 'press', optIn: 'single' });
  const added = await call<{ subscriber: { id: string } }>(publisher, 'POST', `/lists/${list.body.id}/subscribers`, {
    email: `redaction@${domain}`,
  });
  const release = await call<{ id: string }>(tokens.editor as string, 'POST', '/releases', { brandId: 'cd41', title: 'Rôles' });
  const campaign = await call<{ id: string }>(publisher, 'POST', '/campaigns', { releaseId: release.body.id, listIds: [list.body.id] });
  expect(campaign.status).toBe(202);
  await wiring.queue.idle();
  const month = new Date().toISOString().slice(0, 7);
  Object.assign(paths, {
    members: `/lists/${list.body.id}/subscribers`,
    subscriber: `/subscribers/${added.body.subscriber.id}`,
    failures: `/campaigns/${campaign.body.id}/failures`,
    audit: `/audit?month=${month}`,
  });
});

describe('personal data needs a role that may see the audience (point 5)', () => {
  it.each(['members', 'subscriber', 'failures', 'audit'])(
    '%s: 403 for editor and reviewer tokens, 200 for publisher and admin',
    async (what) => {
      const path = paths[what] as string;
      const statuses: Record<string, number> = {};
      const bodies: Record<string, { message?: string }> = {};
      for (const role of ['editor', 'reviewer', 'publisher', 'admin']) {
        const r = await call<{ message?: string }>(tokens[role] as string, 'GET', path);
        statuses[role] = r.status;
        bodies[role] = r.body;
      }
      expect(statuses).toEqual({ editor: 403, reviewer: 403, publisher: 200, admin: 200 });
      expect(bodies.editor?.message).toMatch(/Action réservée \(audience:read\)/);
      expect(JSON.stringify(bodies.editor)).not.toContain('redaction@');
    },
  );
});
