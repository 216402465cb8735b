import { beforeAll, describe, expect, it } from 'vitest';
import { createRelease } from '../../functions/app/manage-releases';
import { sendTestMail, TestRecipientNotAllowedError } from '../../functions/app/send-test-mail';
import type { Actor } from '../../functions/domain/actor';
import { buildLocalWiring, type LocalWiring } from '../../functions/wiring';
import { freshTable, localConfigFor, outboxFor, uniqueDomain } from '../support/emulator-context';
import { fakeRenderer, ManualClock, testBrand } from '../support/fakes';

/** Issue 10, point 4: where a test mail may go, and what its subject says (DynamoDB Local + SES emulator). */
let wiring: LocalWiring;
const clock = new ManualClock(new Date('2026-03-01T08:00:00Z'));
const tokens: Record<string, string> = { admin: 'root' };

async function call<T = Record<string, unknown>>(token: string, method: string, path: string, body?: unknown) {
  const r = await wiring.http.request(`/api${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.status, body: (await r.json()) as T };
}

beforeAll(async () => {
  const { tableName } = await freshTable('test-send');
  wiring = buildLocalWiring(
    localConfigFor(tableName),
    { adminToken: 'root', tokenKeys: { currentKeyId: 'k1', keys: { k1: 'k' } } },
    fakeRenderer,
    { clock },
  );
  await wiring.deps.store.putBrand(testBrand);
  await wiring.deps.store.putBrand({ ...testBrand, id: 'relu', review: { required: true, allowSelfApproval: false } });
  for (const role of ['editor', 'reviewer', 'publisher'])
    tokens[role] = (await call<{ token: string }>('root', 'POST', '/tokens', { name: role, role })).body.token;
});

describe('test sends go only to the sender or to addresses an admin allowed (point 4)', () => {
  it('refuses any other address with 403 and a French message, and sends nothing', async () => {
    const domain = uniqueDomain();
    const release = await call<{ id: string }>(tokens.editor as string, 'POST', '/releases', { brandId: 'cd41', title: 'Essai refusé' });

    const refused = await call<{ error: string; message: string }>(tokens.editor as string, 'POST', `/releases/${release.body.id}/test`, {
      to: `quelquun@${domain}`,
    });

    expect(refused.status).toBe(403);
    expect(refused.body.message).toMatch(
      /^Envoi de test refusé : quelquun@.* n’est ni votre adresse ni une adresse autorisée par un administrateur/,
    );
    expect(await outboxFor(domain)).toEqual([]);
  });

  it('lets an admin (only) manage the allow-list; an allowed address then receives the test', async () => {
    const domain = uniqueDomain();
    const list = { addresses: [` Relecture@${domain.toUpperCase()} `, `relecture@${domain}`, `direction@${domain}`] };
    for (const role of ['editor', 'reviewer', 'publisher']) {
      expect((await call(tokens[role] as string, 'PUT', '/settings/test-recipients', list)).status).toBe(403);
      expect((await call(tokens[role] as string, 'GET', '/settings/test-recipients')).status).toBe(403);
    }
    const saved = await call<{ addresses: string[] }>('root', 'PUT', '/settings/test-recipients', list);
    expect(saved).toEqual({ status: 200, body: { addresses: [`direction@${domain}`, `relecture@${domain}`] } });
    expect((await call('root', 'GET', '/settings/test-recipients')).body).toEqual(saved.body);
    const bad = await call<{ field: string }>('root', 'PUT', '/settings/test-recipients', { addresses: ['pas-une-adresse'] });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('addresses.0');

    const release = await call<{ id: string }>(tokens.editor as string, 'POST', '/releases', { brandId: 'cd41', title: 'Essai autorisé' });
    const sent = await call<{ to: string }>(tokens.reviewer as string, 'POST', `/releases/${release.body.id}/test`, {
      to: `RELECTURE@${domain}`,
    });

    expect(sent).toMatchObject({ status: 202, body: { to: `relecture@${domain}` } });
    expect((await outboxFor(domain)).map((m) => [m.destination.to, m.subject])).toEqual([
      [[`relecture@${domain}`], '[TEST] Essai autorisé'],
    ]);
  });

  it('sends to the actor’s own address when it has one (by default), and to no other', async () => {
    const domain = uniqueDomain();
    const claire: Actor = { id: 'u-claire', name: 'Claire', role: 'editor', email: `Claire.Martin@${domain}` };
    const release = await createRelease(wiring.deps, { brandId: 'cd41', title: 'Pour moi' }, claire);

    const own = await sendTestMail(wiring.deps, { releaseId: release.id }, claire);
    await expect(sendTestMail(wiring.deps, { releaseId: release.id, to: `autre@${domain}` }, claire)).rejects.toBeInstanceOf(
      TestRecipientNotAllowedError,
    );

    expect(own.to).toBe(`claire.martin@${domain}`);
    expect((await outboxFor(domain)).map((m) => m.destination.to)).toEqual([[`claire.martin@${domain}`]]);
  });

  it('says in the subject when the release is not yet approved, or under embargo', async () => {
    const domain = uniqueDomain();
    const claire: Actor = { id: 'u-claire2', name: 'Claire', role: 'editor', email: `claire@${domain}` };
    const draft = await createRelease(wiring.deps, { brandId: 'relu', title: 'À relire' }, claire);
    const embargoed = await createRelease(
      wiring.deps,
      { brandId: 'cd41', title: 'Annonce', embargoUntil: '2026-04-01T08:00:00+02:00' },
      claire,
    );
    const both = await createRelease(
      wiring.deps,
      { brandId: 'relu', title: 'Les deux', embargoUntil: '2026-04-01T08:00:00+02:00' },
      claire,
    );

    for (const r of [draft, embargoed, both]) {
      await sendTestMail(wiring.deps, { releaseId: r.id }, claire);
      clock.advance(1000);
    }

    // French typography puts no-break spaces in the date ("8 h 00"): compared as plain spaces
    const subjects = (await outboxFor(domain)).map((m) => m.subject.replace(/[\u00a0\u202f]/g, ' '));
    expect(subjects).toEqual([
      '[TEST – non approuvé] À relire',
      '[TEST – sous embargo jusqu’au mercredi 1er avril 2026 à 8 h 00] SOUS EMBARGO – Annonce',
      '[TEST – non approuvé – sous embargo jusqu’au mercredi 1er avril 2026 à 8 h 00] SOUS EMBARGO – Les deux',
    ]);
  });
});
