import { beforeAll, describe, expect, it } from 'vitest';
import { buildLocalWiring, type LocalWiring } from '../../functions/wiring';
import { freshTable, localConfigFor } from '../support/emulator-context';
import { fakeRenderer, ManualClock, testBrand } from '../support/fakes';

let wiring: LocalWiring;
const clock = new ManualClock(new Date('2026-03-01T08:00:00Z'));

async function call<T = Record<string, unknown>>(token: string, method: string, path: string, body?: unknown) {
  const r = await wiring.http.request(`/api${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.status, body: (await r.json()) as T };
}

beforeAll(async () => {
  const { tableName } = await freshTable('workflow');
  wiring = buildLocalWiring(
    localConfigFor(tableName),
    { adminToken: 'root', tokenKeys: { currentKeyId: 'k1', keys: { k1: 'k' } } },
    fakeRenderer,
    { clock },
  );
  await wiring.deps.store.putBrand({ ...testBrand, review: { required: true, allowSelfApproval: false } });
});

describe('review and scheduling through the API, with role-bound tokens (DynamoDB Local)', () => {
  it('editor drafts, reviewer approves, publisher schedules; each refused outside its role; all audited', async () => {
    const token = async (name: string, role: string) =>
      (await call<{ token: string }>('root', 'POST', '/tokens', { name, role })).body.token;
    const [editor, reviewer, publisher] = [await token('Anne', 'editor'), await token('Marc', 'reviewer'), await token('Léa', 'publisher')];
    expect((await call(editor, 'POST', '/tokens', { name: 'x', role: 'admin' })).status).toBe(403);

    const list = await call<{ id: string }>(publisher, 'POST', '/lists', { name: 'Presse', kind: 'press', optIn: 'single' });
    expect(list.status).toBe(201);
    expect((await call(publisher, 'POST', `/lists/${list.body.id}/subscribers`, { email: 'redaction@example.org' })).status).toBe(201);
    expect((await call<{ recipients: number }>(publisher, 'GET', `/audience?listIds=${list.body.id}`)).body.recipients).toBe(1);
    const release = await call<{ id: string; status: string }>(editor, 'POST', '/releases', { brandId: 'cd41', title: 'Festival' });
    expect(release.body.status).toBe('draft');

    const early = await call<{ message: string }>(publisher, 'POST', '/campaigns', {
      releaseId: release.body.id,
      listIds: [list.body.id],
      sendAt: '2026-03-05T10:00',
    });
    expect(early.status).toBe(409);
    expect(early.body.message).toMatch(/pas approuvé/);

    expect((await call(editor, 'POST', `/releases/${release.body.id}/submit`)).status).toBe(200);
    expect((await call(editor, 'POST', `/releases/${release.body.id}/approve`)).status).toBe(403);
    const rejected = await call<{ field: string }>(reviewer, 'POST', `/releases/${release.body.id}/reject`, { comment: '' });
    expect(rejected.body.field).toBe('comment');
    expect((await call<{ status: string }>(reviewer, 'POST', `/releases/${release.body.id}/approve`)).body.status).toBe('approved');

    expect((await call(reviewer, 'POST', '/campaigns', { releaseId: release.body.id, listIds: [list.body.id] })).status).toBe(403);
    const scheduled = await call<{ id: string; status: string; sendAt: string }>(publisher, 'POST', '/campaigns', {
      releaseId: release.body.id,
      listIds: [list.body.id],
      sendAt: '2026-03-05T10:00',
    });
    expect(scheduled.status).toBe(202);
    expect(scheduled.body).toMatchObject({ status: 'scheduled', sendAt: '2026-03-05T09:00:00.000Z' });
    const moved = await call<{ sendAt: string }>(publisher, 'POST', `/campaigns/${scheduled.body.id}/reschedule`, {
      sendAt: '2026-03-29T02:30',
    });
    expect(moved.status).toBe(400);
    const cancelled = await call<{ status: string }>(publisher, 'POST', `/campaigns/${scheduled.body.id}/cancel`);
    expect(cancelled.body.status).toBe('cancelled');

    const audit = await call<{ items: { action: string; actorName: string }[] }>('root', 'GET', '/audit?month=2026-03');
    // The test clock stands still, so entries share one timestamp: compare them as a set.
    expect(audit.body.items.map((e) => `${e.action} ${e.actorName}`).sort()).toEqual(
      [
        'token.created Administrateur',
        'token.created Administrateur',
        'token.created Administrateur',
        'release.created Anne',
        'release.submitted Anne',
        'release.approved Marc',
        'campaign.scheduled Léa',
        'campaign.cancel Léa',
      ].sort(),
    );
    expect((await call('not-a-token', 'GET', '/audit?month=2026-03')).status).toBe(401);
  });
});
