import { beforeAll, describe, expect, it } from 'vitest';
import { buildLocalWiring, type LocalWiring } from '../../functions/wiring';
import { freshTable, localConfigFor } from '../support/emulator-context';
import { fakeRenderer, ManualClock, testBrand } from '../support/fakes';

let wiring: LocalWiring;
let editor: string;
let reviewer: string;

async function call<T = Record<string, unknown>>(token: string, method: string, path: string, body?: unknown) {
  const r = await wiring.http.request(`/api${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.status, body: (await r.json()) as T };
}

beforeAll(async () => {
  const { tableName } = await freshTable('review');
  wiring = buildLocalWiring(
    localConfigFor(tableName),
    { adminToken: 'root', tokenKeys: { currentKeyId: 'k1', keys: { k1: 'k' } } },
    fakeRenderer,
    { clock: new ManualClock(new Date('2026-03-01T08:00:00Z')) },
  );
  await wiring.deps.store.putBrand({ ...testBrand, review: { required: true, allowSelfApproval: false } });
  const token = async (name: string, role: string) => (await call<{ token: string }>('root', 'POST', '/tokens', { name, role })).body.token;
  editor = await token('Anne', 'editor');
  reviewer = await token('Marc', 'reviewer');
});

type ReleaseView = { id: string; status: string; version: number; review?: { approvedVersion?: number } };

describe('an approval is bound to the version the reviewer read (DynamoDB Local)', () => {
  it('editing a release in review sends it back to draft: the new text must be submitted again', async () => {
    const created = await call<ReleaseView>(editor, 'POST', '/releases', { brandId: 'cd41', title: 'Version 1' });
    expect((await call(editor, 'POST', `/releases/${created.body.id}/submit`)).status).toBe(200);

    const edited = await call<ReleaseView>(editor, 'PUT', `/releases/${created.body.id}`, {
      content: { brandId: 'cd41', title: 'Version 2' },
    });

    expect(edited.body).toMatchObject({ status: 'draft', version: 2 });
    const approve = await call<{ message: string }>(reviewer, 'POST', `/releases/${created.body.id}/approve`, { version: 2 });
    expect(approve.status).toBe(409);
  });

  it('refuses to approve a version older than the current one, saying which versions, and approves the one read', async () => {
    const created = await call<ReleaseView>(editor, 'POST', '/releases', { brandId: 'cd41', title: 'Lu en version 1' });
    await call(editor, 'POST', `/releases/${created.body.id}/submit`);
    const read = await call<ReleaseView>(reviewer, 'GET', `/releases/${created.body.id}`);
    // meanwhile the author edits and submits again
    await call(editor, 'PUT', `/releases/${created.body.id}`, { content: { brandId: 'cd41', title: 'Version 2, non relue' } });
    await call(editor, 'POST', `/releases/${created.body.id}/submit`);

    const stale = await call<{ message: string }>(reviewer, 'POST', `/releases/${created.body.id}/approve`, { version: read.body.version });

    expect(stale.status).toBe(409);
    expect(stale.body.message).toMatch(/version 1/);
    expect(stale.body.message).toMatch(/version 2/);
    expect((await call<ReleaseView>(reviewer, 'GET', `/releases/${created.body.id}`)).body.status).toBe('in_review');
    const fresh = await call<ReleaseView>(reviewer, 'POST', `/releases/${created.body.id}/approve`, { version: 2 });
    expect(fresh.status).toBe(200);
    expect(fresh.body).toMatchObject({ status: 'approved', version: 2, review: { approvedVersion: 2 } });
  });
});
