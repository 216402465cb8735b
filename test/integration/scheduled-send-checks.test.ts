import { beforeAll, describe, expect, it } from 'vitest';
import { fireScheduledCampaign } from '../../functions/app/schedule-campaign';
import { buildLocalWiring, type LocalWiring } from '../../functions/wiring';
import { freshTable, localConfigFor, outboxFor, uniqueDomain } from '../support/emulator-context';
import { fakeRenderer, ManualClock, testBrand } from '../support/fakes';

let wiring: LocalWiring;
const clock = new ManualClock(new Date('2026-03-01T08:00:00Z'));

async function call<T = Record<string, unknown>>(method: string, path: string, body?: unknown) {
  const r = await wiring.http.request(`/api${path}`, {
    method,
    headers: { authorization: 'Bearer root', 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.status, body: (await r.json()) as T };
}

async function until(what: string, check: () => Promise<boolean>) {
  for (let i = 0; i < 300; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`still waiting for: ${what}`);
}

/** A press list and a partners list, one subscriber each, at a domain only this test uses. */
async function lists() {
  const domain = uniqueDomain();
  const presse = (await call<{ id: string }>('POST', '/lists', { name: 'Presse', kind: 'press', optIn: 'single' })).body.id;
  const partenaires = (await call<{ id: string }>('POST', '/lists', { name: 'Partenaires', kind: 'partners', optIn: 'single' })).body.id;
  await call('POST', `/lists/${presse}/subscribers`, { email: `journaliste@${domain}` });
  await call('POST', `/lists/${partenaires}/subscribers`, { email: `partenaire@${domain}` });
  return { domain, presse, partenaires };
}

/** Moves the test clock to `iso` (it only goes forward). */
const advanceTo = (iso: string) => clock.advance(Math.max(0, Date.parse(iso) - clock.now().getTime()));

beforeAll(async () => {
  const { tableName } = await freshTable('fire-checks');
  wiring = buildLocalWiring(
    localConfigFor(tableName),
    { adminToken: 'root', tokenKeys: { currentKeyId: 'k1', keys: { k1: 'k' } } },
    fakeRenderer,
    { clock, sendRate: 1_000, onQueueError: () => undefined },
  );
  await wiring.deps.store.putBrand(testBrand);
});

describe('a scheduled send checks the release as it is when the schedule fires (DynamoDB Local + SES emulator)', () => {
  it('refuses to edit a release with a scheduled send, saying how to cancel or reschedule; the mail sent is the text scheduled', async () => {
    const { domain, presse } = await lists();
    const release = await call<{ id: string }>('POST', '/releases', { brandId: 'cd41', title: 'Texte programmé' });
    const scheduled = await call<{ id: string }>('POST', '/campaigns', {
      releaseId: release.body.id,
      listIds: [presse],
      sendAt: '2026-03-02T10:00',
    });
    expect(scheduled.status).toBe(202);

    const edit = await call<{ message: string }>('PUT', `/releases/${release.body.id}`, {
      content: { brandId: 'cd41', title: 'Texte modifié' },
    });

    expect(edit.status).toBe(409);
    expect(edit.body.message).toMatch(/programmé/);
    expect(edit.body.message).toMatch(/annulez/);
    expect(edit.body.message).toContain(scheduled.body.id);
    advanceTo('2026-03-02T09:00:30Z');
    expect(await fireScheduledCampaign(wiring.deps, scheduled.body.id)).toBe('sent');
    await until('the mail in the outbox', async () => (await outboxFor(domain)).length === 1);
    expect((await outboxFor(domain))[0]?.subject).toBe('Texte programmé');
    // the web version (public once the first mail is out) shows the same text
    await until('the web version published', async () => (await wiring.http.request(`/releases/${release.body.id}`)).status === 200);
    expect(await (await wiring.http.request(`/releases/${release.body.id}`)).text()).toContain('Texte programmé');
  });

  it('sends nothing when the release changed after scheduling (an edit that raced the schedule): the campaign is missed with the reason', async () => {
    const { domain, presse } = await lists();
    const release = await call<{ id: string }>('POST', '/releases', { brandId: 'cd41', title: 'Version programmée' });
    const scheduled = await call<{ id: string }>('POST', '/campaigns', {
      releaseId: release.body.id,
      listIds: [presse],
      sendAt: '2026-03-03T10:00',
    });
    // the edit lands through the store, as one racing the schedule would, past the use-case's check
    const stored = await wiring.deps.store.getRelease(release.body.id);
    if (!stored) throw new Error('release not stored');
    await wiring.deps.store.updateRelease(
      { ...stored, version: stored.version + 1, content: { ...stored.content, title: 'Version plus récente' } },
      stored.version,
    );

    advanceTo('2026-03-03T09:00:30Z');
    expect(await fireScheduledCampaign(wiring.deps, scheduled.body.id)).toBe('missed');

    const campaign = await call<{ status: string; statusReason: string }>('GET', `/campaigns/${scheduled.body.id}`);
    expect(campaign.body.status).toBe('missed');
    expect(campaign.body.statusReason).toMatch(/modifié depuis la programmation/);
    expect(await outboxFor(domain)).toEqual([]);
  });

  it('checks the embargo against each list’s kind when the schedule fires, and refuses to reschedule a non-press send into the embargo', async () => {
    const { domain, partenaires } = await lists();
    const release = await call<{ id: string }>('POST', '/releases', {
      brandId: 'cd41',
      title: 'Sous embargo',
      embargoUntil: '2026-03-10T12:00:00+01:00',
    });
    const scheduled = await call<{ id: string }>('POST', '/campaigns', {
      releaseId: release.body.id,
      listIds: [partenaires],
      sendAt: '2026-03-11T10:00',
    });
    expect(scheduled.status).toBe(202);

    const early = await call<{ message: string }>('POST', `/campaigns/${scheduled.body.id}/reschedule`, { sendAt: '2026-03-09T10:00' });
    expect(early.status).toBe(409);
    expect(early.body.message).toMatch(/embargo/i);

    // a schedule moved into the embargo by other means (an older client, a race) is caught when it fires
    await wiring.deps.store.rescheduleCampaign(
      scheduled.body.id,
      { sendAt: '2026-03-09T09:00:00.000Z', localSendAt: '2026-03-09T10:00', timeZone: 'Europe/Paris' },
      clock.now().toISOString(),
    );
    advanceTo('2026-03-09T09:00:30Z');
    expect(await fireScheduledCampaign(wiring.deps, scheduled.body.id)).toBe('missed');
    const campaign = await call<{ status: string; statusReason: string }>('GET', `/campaigns/${scheduled.body.id}`);
    expect(campaign.body.statusReason).toMatch(/embargo/);
    expect(campaign.body.statusReason).toContain('Partenaires');
    expect(await outboxFor(domain)).toEqual([]);
  });

  it('with review on, a release approved again in a new version goes out in that version, not the one first scheduled', async () => {
    await wiring.deps.store.putBrand({ ...testBrand, id: 'rev', review: { required: true, allowSelfApproval: true } });
    const { domain, presse } = await lists();
    const release = await call<{ id: string }>('POST', '/releases', { brandId: 'rev', title: 'Approuvé v1' });
    await call('POST', `/releases/${release.body.id}/submit`);
    await call('POST', `/releases/${release.body.id}/approve`, { version: 1 });
    const first = await call<{ id: string }>('POST', '/campaigns', {
      releaseId: release.body.id,
      listIds: [presse],
      sendAt: '2026-03-20T10:00',
    });

    // to change the text: cancel the send, edit, have it approved again, schedule again
    expect((await call('PUT', `/releases/${release.body.id}`, { content: { brandId: 'rev', title: 'Approuvé v2' } })).status).toBe(409);
    expect((await call('POST', `/campaigns/${first.body.id}/cancel`)).status).toBe(200);
    expect(
      (await call<{ status: string }>('PUT', `/releases/${release.body.id}`, { content: { brandId: 'rev', title: 'Approuvé v2' } })).body
        .status,
    ).toBe('draft');
    await call('POST', `/releases/${release.body.id}/submit`);
    expect((await call('POST', `/releases/${release.body.id}/approve`, { version: 2 })).status).toBe(200);
    const second = await call<{ id: string }>('POST', '/campaigns', {
      releaseId: release.body.id,
      listIds: [presse],
      sendAt: '2026-03-20T10:00',
    });

    advanceTo('2026-03-20T09:00:30Z');
    expect(await fireScheduledCampaign(wiring.deps, first.body.id)).toBe('ignored');
    expect(await fireScheduledCampaign(wiring.deps, second.body.id)).toBe('sent');
    await until('the mail in the outbox', async () => (await outboxFor(domain)).length === 1);
    expect((await outboxFor(domain)).map((m) => m.subject)).toEqual(['Approuvé v2']);
  });
});
