import { beforeAll, describe, expect, it } from 'vitest';
import { launchCampaign } from '../../functions/app/launch-campaign';
import { createList } from '../../functions/app/manage-audience';
import { createRelease } from '../../functions/app/manage-releases';
import { recipientLinks } from '../../functions/app/recipient-links';
import type { ConsentRecord } from '../../functions/domain/consent';
import { signToken } from '../../functions/domain/tokens';
import type { CompileInput } from '../../functions/render/compile-release';
import { buildLocalWiring, type LocalWiring } from '../../functions/wiring';
import { freshTable, localConfigFor, outboxFor, uniqueDomain } from '../support/emulator-context';
import { fakeCompile, fakeRenderer, ManualClock, testBrand } from '../support/fakes';

/**
 * Issue 10, points 3, 8, 10 and 11: what a link in a mail (or an admin) may and may not do to
 * someone's consent, on DynamoDB Local and the SES emulator.
 */
let wiring: LocalWiring;
const clock = new ManualClock(new Date('2026-03-01T08:00:00Z'));
const day = 24 * 3600 * 1000;
const keys = { currentKeyId: 'k1', keys: { k1: 'k' } };
let ipSeq = 0;

async function page(method: string, path: string, form?: Record<string, string | string[]>) {
  clock.advance(1000); // each step at its own second, so the consent ledger reads in order
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(form ?? {})) for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
  const r = await wiring.http.request(path, {
    method,
    headers: {
      'user-agent': 'Mozilla/5.0 (test)',
      'x-test-client': `198.51.100.${++ipSeq % 250}`,
      ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
    },
    body: form ? body.toString() : undefined,
  });
  return { status: r.status, text: await r.text() };
}

async function api<T = Record<string, unknown>>(token: string, method: string, path: string, body?: unknown) {
  const r = await wiring.http.request(`/api${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.status, body: (await r.json().catch(() => ({}))) as T };
}

const linkIn = (text: string | undefined, path: string) =>
  new RegExp(`https://communique\\.example\\.org(/${path}/[\\w.-]+)`).exec(text ?? '')?.[1] ?? '';
const confirmations = async (domain: string, to: string) =>
  (await outboxFor(domain)).filter((m) => m.destination.to.includes(to) && m.subject.startsWith('Confirmez'));
const pathOf = (url: string) => new URL(url).pathname;
const events = (records: ConsentRecord[], listId?: string) =>
  records.filter((r) => listId === undefined || r.listId === listId).map((r) => r.event);

/** Signs up through the public form and confirms with the link of the mail it gets. */
async function signUpAndConfirm(email: string, listIds: string[]): Promise<string> {
  const domain = email.split('@')[1] ?? '';
  const before = (await confirmations(domain, email)).length;
  expect((await page('POST', '/subscribe', { email, listIds })).status).toBe(200);
  const mails = await confirmations(domain, email);
  expect(mails).toHaveLength(before + 1);
  const confirmed = await page('POST', linkIn(mails.at(-1)?.body.text, 'confirm'));
  expect(confirmed.text).toContain('votre inscription est confirmée');
  const subscriber = await wiring.deps.store.getSubscriberByEmail(email);
  clock.advance(10 * 60 * 1000); // past the per-address window of confirmation mails
  return subscriber?.id ?? '';
}

beforeAll(async () => {
  const { tableName } = await freshTable('consent-links');
  // The mail carries the preferences link too, so a test can follow it from the outbox.
  const renderer = {
    ...fakeRenderer,
    compileRelease: async (input: CompileInput) => {
      const mail = await fakeCompile(input);
      return { ...mail, text: [...mail.text, '\nPréférences : ', { v: 'preferencesUrl' as const }] };
    },
  };
  wiring = buildLocalWiring(localConfigFor(tableName), { adminToken: 'root', tokenKeys: keys }, renderer, {
    clock,
    concurrency: 2,
    clientAddress: (c) => c.req.header('x-test-client') ?? '192.0.2.1',
  });
  await wiring.deps.store.putBrand(testBrand);
});

describe('link keys (point 11)', () => {
  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'])(
    'answers a link signed with key id %s with the invalid-link page, on every public link route',
    async (kid) => {
      const payload = Buffer.from(JSON.stringify({ purpose: 'unsubscribe', subscriberId: 'x' })).toString('base64url');
      const token = `${kid}.${payload}.AAAA`;
      for (const [method, route] of [
        ['GET', 'unsubscribe'],
        ['POST', 'unsubscribe'],
        ['GET', 'confirm'],
        ['POST', 'confirm'],
        ['GET', 'preferences'],
        ['POST', 'preferences'],
      ] as const) {
        const r = await page(method, `/${route}/${token}`, method === 'POST' ? {} : undefined);
        expect({ route: `${method} ${route}`, status: r.status }).toEqual({ route: `${method} ${route}`, status: 403 });
        expect(r.text).toContain('Lien invalide');
      }
    },
  );
});

describe('preference links (point 3)', () => {
  it('show the address partly masked', async () => {
    const domain = uniqueDomain();
    const list = await createList(wiring.deps, { name: 'Agenda masqué', optIn: 'double', publicSignup: true });
    const id = await signUpAndConfirm(`jeanne.martin@${domain}`, [list.id]);
    const shown = await page('GET', pathOf(recipientLinks(wiring.deps, id).preferencesUrl));
    expect(shown.status).toBe(200);
    expect(shown.text).toContain(`j***@${domain}`);
    expect(shown.text).not.toContain('jeanne.martin');
  });

  it('never confirm a double opt-in list by themselves: ticking it sends a confirmation mail, and only its link confirms', async () => {
    const { deps } = wiring;
    const domain = uniqueDomain();
    const email = `paul@${domain}`;
    const first = await createList(deps, { name: 'Lettre A', optIn: 'double', publicSignup: true });
    const second = await createList(deps, { name: 'Lettre B', optIn: 'double', publicSignup: true });
    const id = await signUpAndConfirm(email, [first.id]);

    const saved = await page('POST', pathOf(recipientLinks(deps, id).preferencesUrl), { listIds: [first.id, second.id] });
    expect(saved.status).toBe(200);
    expect(saved.text).toContain('message de confirmation vient d’être envoyé');
    expect((await deps.store.getMembership(second.id, id))?.status).toBe('unconfirmed');
    expect(events(await deps.store.listConsent(id), second.id)).toEqual(['requested']);
    const mails = await confirmations(domain, email);
    expect(mails).toHaveLength(2);

    expect((await page('POST', linkIn(mails.at(-1)?.body.text, 'confirm'))).status).toBe(200);
    expect((await deps.store.getMembership(second.id, id))?.status).toBe('confirmed');
    expect(events(await deps.store.listConsent(id), second.id)).toEqual(['requested', 'confirmed']);
  });

  it('never lift a suppression: after "unsubscribe from everything" a ticked list waits for a confirmation mail; a bounced address gets none', async () => {
    const { deps } = wiring;
    const domain = uniqueDomain();
    const email = `marie@${domain}`;
    const single = await createList(deps, { name: 'Agenda simple', optIn: 'single', publicSignup: true });
    const id = await signUpAndConfirm(email, [single.id]);
    const link = pathOf(recipientLinks(deps, id).preferencesUrl);

    expect((await page('POST', link, { unsubscribeAll: '1' })).status).toBe(200);
    expect((await deps.store.suppressionOf(email))?.reason).toBe('unsubscribed-all');
    const before = (await confirmations(domain, email)).length;

    // ticking the single opt-in list again through the link: still suppressed, not confirmed, a mail asks
    await page('POST', link, { listIds: [single.id] });
    expect((await deps.store.suppressionOf(email))?.reason).toBe('unsubscribed-all');
    expect((await deps.store.getMembership(single.id, id))?.status).toBe('unconfirmed');
    const mails = await confirmations(domain, email);
    expect(mails).toHaveLength(before + 1);
    // only the person's click on that mail's link lifts it
    await page('POST', linkIn(mails.at(-1)?.body.text, 'confirm'));
    expect(await deps.store.suppressionOf(email)).toBeUndefined();
    expect((await deps.store.getMembership(single.id, id))?.status).toBe('confirmed');

    // a hard bounce is never lifted, and no confirmation mail goes to that address
    clock.advance(10 * 60 * 1000);
    await page('POST', link, { listIds: [] });
    await deps.store.suppress(email, 'hard-bounce', clock.now().toISOString());
    await page('POST', link, { listIds: [single.id] });
    expect((await deps.store.suppressionOf(email))?.reason).toBe('hard-bounce');
    expect(await confirmations(domain, email)).toHaveLength(before + 1);
  });

  it('expire a year after the mail that carried them; each mail carries a fresh one; a link with no issue date is refused', async () => {
    const { deps } = wiring;
    const domain = uniqueDomain();
    const email = `lucie@${domain}`;
    const list = await createList(deps, { name: 'Lettre annuelle', kind: 'partners', optIn: 'double', publicSignup: true });
    const id = await signUpAndConfirm(email, [list.id]);

    // a campaign mail carries a preferences link issued when it was sent
    const release = await createRelease(deps, { brandId: 'cd41', title: `Lettre ${domain}` });
    await launchCampaign(deps, { releaseId: release.id, listIds: [list.id] });
    await wiring.queue.idle();
    const mail = (await outboxFor(domain)).find((m) => m.subject === `Lettre ${domain}`);
    const oldLink = linkIn(mail?.body.text, 'preferences');
    expect(oldLink).not.toBe('');
    expect((await page('GET', oldLink)).status).toBe(200);

    clock.advance(300 * day);
    expect((await page('GET', oldLink)).status).toBe(200);
    const renewed = pathOf(recipientLinks(deps, id).preferencesUrl); // the link of a mail sent now
    clock.advance(66 * day);
    const expired = await page('GET', oldLink);
    expect(expired.status).toBe(403);
    expect(expired.text).toContain('Lien invalide');
    expect((await page('POST', oldLink, { listIds: [] })).status).toBe(403);
    expect((await deps.store.getMembership(list.id, id))?.status).toBe('confirmed');
    expect((await page('GET', renewed)).status).toBe(200);

    const undated = signToken({ purpose: 'preferences', subscriberId: id }, keys);
    expect((await page('GET', `/preferences/${undated}`)).status).toBe(403);
  });
});

describe('admin additions (point 8)', () => {
  it('a publisher cannot mark someone confirmed on a double opt-in list: the member stays unconfirmed and a confirmation mail goes out', async () => {
    const { deps } = wiring;
    const domain = uniqueDomain();
    const publisher = (await api<{ token: string }>('root', 'POST', '/tokens', { name: 'Léa', role: 'publisher' })).body.token;
    const double = await api<{ id: string }>(publisher, 'POST', '/lists', { name: 'Partenaires', kind: 'partners', optIn: 'double' });
    const added = await api<{ membership: { status: string }; subscriber: { id: string }; confirmationMailed: boolean }>(
      publisher,
      'POST',
      `/lists/${double.body.id}/subscribers`,
      { email: `zoe@${domain}`, status: 'confirmed' },
    );
    expect(added.status).toBe(201);
    expect(added.body.membership.status).toBe('unconfirmed');
    expect(added.body.confirmationMailed).toBe(true);
    const id = added.body.subscriber.id;
    expect((await deps.store.getMembership(double.body.id, id))?.status).toBe('unconfirmed');
    expect(await deps.store.listConsent(id)).toEqual([
      expect.objectContaining({ event: 'requested', listId: double.body.id, source: 'api', lawfulBasis: 'consent' }),
    ]);
    const [mail] = await confirmations(domain, `zoe@${domain}`);
    expect(mail?.body.text).toContain('Rien ne vous sera envoyé sans votre accord');
    expect((await page('POST', linkIn(mail?.body.text, 'confirm'))).status).toBe(200);
    expect((await deps.store.getMembership(double.body.id, id))?.status).toBe('confirmed');

    // press imports on a single opt-in list, on legitimate interest, stay as they were
    const press = await api<{ id: string }>(publisher, 'POST', '/lists', { name: 'Presse', kind: 'press', optIn: 'single' });
    const journalist = await api<{ membership: { status: string }; subscriber: { id: string } }>(
      publisher,
      'POST',
      `/lists/${press.body.id}/subscribers`,
      { email: `redaction@${domain}`, status: 'confirmed' },
    );
    expect(journalist.body.membership.status).toBe('confirmed');
    expect(await confirmations(domain, `redaction@${domain}`)).toHaveLength(0);
    expect((await deps.store.listConsent(journalist.body.subscriber.id))[0]).toMatchObject({ lawfulBasis: 'legitimate-interest' });
  });
});

describe('coming back after erasure (point 10)', () => {
  it('an erased person who signs up again and confirms is mailed again, and the ledger says why', async () => {
    const { deps } = wiring;
    const domain = uniqueDomain();
    const email = `retour@${domain}`;
    const list = await createList(deps, { name: 'Lettre retour', kind: 'partners', optIn: 'double', publicSignup: true });
    const first = await signUpAndConfirm(email, [list.id]);
    expect((await api('root', 'DELETE', `/subscribers/${first}`)).status).toBe(204);
    expect((await deps.store.suppressionOf(email))?.reason).toBe('erased');

    const again = await signUpAndConfirm(email, [list.id]);
    expect(again).not.toBe(first);
    expect(await deps.store.suppressionOf(email)).toBeUndefined();
    // confirmed and resubscribed share the confirmation's instant: their order in the ledger is not defined
    expect(events(await deps.store.listConsent(again)).sort()).toEqual(['confirmed', 'requested', 'resubscribed']);

    const release = await createRelease(deps, { brandId: 'cd41', title: `Retour ${domain}` });
    await launchCampaign(deps, { releaseId: release.id, listIds: [list.id] });
    await wiring.queue.idle();
    expect((await outboxFor(domain)).filter((m) => m.subject === `Retour ${domain}`).map((m) => m.destination.to)).toEqual([[email]]);
  });
});
