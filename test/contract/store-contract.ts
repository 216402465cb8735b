import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { InvalidCursorError } from '../../functions/adapters/dynamodb/keys';
import type { Subscriber } from '../../functions/domain/audience';
import { type Campaign, emptyCounts, type Recipient } from '../../functions/domain/campaign';
import { ConflictError } from '../../functions/domain/errors';
import { type Release, releaseContentSchema } from '../../functions/domain/release';
import type { Page, Store } from '../../functions/ports';
import type { CompiledMail } from '../../functions/render/compiled-mail';
import { testBrand } from '../support/fakes';

/**
 * The Store port's contract: the same cases run against the in-memory fake and against
 * DynamoStore on DynamoDB Local (test/integration/store-contract.test.ts), so that what unit
 * tests learn from the fake holds on the real table. When a case fails on one side only, the
 * fake is what gets fixed: DynamoDB decides.
 */
export interface StoreHarness {
  readonly store: Store;
  /** Everything the store holds, as text (DynamoDB: a scan of the whole table). */
  dump(): Promise<string>;
}

const at = '2026-03-06T09:00:00.000Z';
const mail: CompiledMail = { formatVersion: 1, subject: 's', html: ['h'], text: ['t'] };

const release = (id: string, date: string, brandId = 'cd41', coBrandIds: string[] = []): Release => ({
  id,
  status: 'draft',
  version: 1,
  content: releaseContentSchema.parse({ brandId, coBrandIds, title: `Communiqué ${id}`, dateline: { city: 'Blois', date } }),
  createdAt: at,
  updatedAt: at,
});

const campaign = (id: string, createdAt = at, status: Campaign['status'] = 'running'): Campaign => ({
  id,
  releaseId: 'r1',
  listIds: ['l1'],
  sender: { name: 'CD41', address: 'presse@example.org' },
  status,
  counts: emptyCounts(),
  createdAt,
});

const recipient = (campaignId: string, subscriberId: string, status: Recipient['status'] = 'pending'): Recipient => ({
  campaignId,
  subscriberId,
  email: `${subscriberId}@example.org`,
  listIds: ['l1'],
  status,
  updatedAt: at,
});

const subscriber = (id: string, email: string, extra: Partial<Subscriber> = {}): Subscriber => ({
  id,
  email,
  tags: [],
  language: 'fr',
  createdAt: at,
  updatedAt: at,
  ...extra,
});

/** Follows the cursor to the end; each page is checked against the limit. */
async function allPages<T>(limit: number, read: (cursor?: string) => Promise<Page<T>>): Promise<T[][]> {
  const pages: T[][] = [];
  let cursor: string | undefined;
  do {
    const page = await read(cursor);
    expect(page.items.length).toBeLessThanOrEqual(limit);
    pages.push(page.items);
    cursor = page.cursor;
    if (pages.length > 50) throw new Error('paging does not end');
  } while (cursor);
  return pages;
}

export function storeContract(name: string, make: () => Promise<StoreHarness>): void {
  describe(`Store contract: ${name}`, () => {
    describe('ordering, paging and limits', () => {
      it('lists a brand’s releases newest first (date, then id), co-brands included, paged by cursor', async () => {
        const { store } = await make();
        await store.putBrand(testBrand);
        await store.putBrand({ ...testBrand, id: 'cd37', name: 'Indre-et-Loire' });
        await store.createRelease(release('r-a', '2026-03-01'));
        await store.createRelease(release('r-b', '2026-03-05'));
        await store.createRelease(release('r-c', '2026-03-03', 'cd37', ['cd41']));
        await store.createRelease(release('r-d', '2026-03-05'));
        await store.createRelease(release('r-e', '2026-02-01', 'cd37'));

        const pages = await allPages(2, (cursor) => store.listReleasesByBrand('cd41', { limit: 2, cursor }));

        expect(pages.flat().map((r) => r.id)).toEqual(['r-d', 'r-b', 'r-c', 'r-a']);
        expect(pages[0]?.map((r) => r.id)).toEqual(['r-d', 'r-b']);
        expect((await store.listReleasesByBrand('cd37')).items.map((r) => r.id)).toEqual(['r-c', 'r-e']);
      });

      it('lists all releases newest first, a co-branded one once, paged by cursor', async () => {
        const { store } = await make();
        await store.putBrand(testBrand);
        await store.putBrand({ ...testBrand, id: 'cd37', name: 'Indre-et-Loire' });
        await store.createRelease(release('r-a', '2026-03-01'));
        await store.createRelease(release('r-b', '2026-03-04', 'cd37', ['cd41']));
        await store.createRelease(release('r-c', '2026-03-03', 'cd37'));
        await store.createRelease(release('r-d', '2026-03-05'));
        await store.createRelease(release('r-e', '2026-02-01', 'cd37', ['cd41']));

        const firstTwo = await store.listReleases({ limit: 2 });
        const pages = await allPages(2, (cursor) => store.listReleases({ limit: 2, cursor }));

        expect(firstTwo.items.map((r) => r.id)).toEqual(['r-d', 'r-b']);
        expect(pages.flat().map((r) => r.id)).toEqual(['r-d', 'r-b', 'r-c', 'r-a', 'r-e']);
      });

      it('refuses a forged cursor with InvalidCursorError', async () => {
        const { store } = await make();
        await store.putBrand(testBrand);
        await expect(store.listReleasesByBrand('cd41', { cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(InvalidCursorError);
        await expect(store.listMembers('l1', { cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(InvalidCursorError);
        await expect(store.listCampaigns({ cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(InvalidCursorError);
        await expect(store.listRecipients('c1', { cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(InvalidCursorError);
      });

      it('pages the members of a list in subscriber order, each once, even when members join between pages', async () => {
        const { store } = await make();
        const member = (subscriberId: string) => ({
          listId: 'l1',
          subscriberId,
          email: `${subscriberId}@example.org`,
          status: 'confirmed' as const,
          updatedAt: at,
        });
        for (const id of ['s3', 's1', 's5', 's2', 's4']) await store.putMembership(member(id));
        await store.putMembership({ ...member('x1'), listId: 'other' });

        const first = await store.listMembers('l1', { limit: 2 });
        await store.putMembership(member('s0')); // before the cursor: not seen, and nobody seen twice
        const rest = await allPages(2, (cursor) => store.listMembers('l1', { limit: 2, cursor: cursor ?? first.cursor }));

        expect(first.items.map((m) => m.subscriberId)).toEqual(['s1', 's2']);
        expect(rest.flat().map((m) => m.subscriberId)).toEqual(['s3', 's4', 's5']);
        expect((await store.listMembershipsOf('s1')).map((m) => m.listId)).toEqual(['l1']);
      });

      it('lists campaigns newest first by creation, paged by cursor', async () => {
        const { store } = await make();
        await store.createCampaign(campaign('c-b', '2026-03-02T00:00:00.000Z'), mail);
        await store.createCampaign(campaign('c-a', '2026-03-03T00:00:00.000Z'), mail);
        await store.createCampaign(campaign('c-c', '2026-03-01T00:00:00.000Z'), mail);

        const pages = await allPages(2, (cursor) => store.listCampaigns({ limit: 2, cursor }));

        expect(pages.flat().map((c) => c.id)).toEqual(['c-a', 'c-b', 'c-c']);
        expect(pages[0]?.map((c) => c.id)).toEqual(['c-a', 'c-b']);
      });

      it('pages recipients in subscriber order; with a status filter the limit counts items read, so pages may be short', async () => {
        const { store } = await make();
        const ids = Array.from({ length: 9 }, (_, i) => `s${i}`);
        await store.addRecipients(
          'c1',
          [...ids].reverse().map((id) => recipient('c1', id)),
          'new',
        );
        await store.addRecipients('c2', [recipient('c2', 's0')], 'new');
        for (const id of ['s1', 's2', 's7']) await store.claimRecipient('c1', id, at);

        const all = await allPages(4, (cursor) => store.listRecipients('c1', { limit: 4, cursor }));
        const sending = await allPages(4, (cursor) => store.listRecipients('c1', { limit: 4, cursor, status: 'sending' }));

        expect(all.flat().map((r) => r.subscriberId)).toEqual(ids);
        expect(sending.flat().map((r) => r.subscriberId)).toEqual(['s1', 's2', 's7']);
        // the first 4 read hold s1 and s2 only: DynamoDB filters after the limit
        expect(sending[0]?.map((r) => r.subscriberId)).toEqual(['s1', 's2']);
        expect(await store.countRecipients('c1')).toBe(9);
        expect((await store.getRecipients('c1', ['s8', 'nobody', 's0'])).map((r) => r.subscriberId).sort()).toEqual(['s0', 's8']);
        expect((await store.listSendsOf('s0')).map((r) => r.campaignId)).toEqual(['c1', 'c2']);
      });

      it('lists brands and lists by name, consent and audit oldest first', async () => {
        const { store } = await make();
        await store.putBrand({ ...testBrand, id: 'b2', name: 'Zèbre' });
        await store.putBrand({ ...testBrand, id: 'b1', name: 'Abeille' });
        await store.createList({
          id: 'l2',
          name: 'Presse',
          description: '',
          kind: 'press',
          optIn: 'single',
          publicSignup: false,
          createdAt: at,
        });
        await store.createList({
          id: 'l1',
          name: 'Agenda',
          description: '',
          kind: 'public',
          optIn: 'double',
          publicSignup: true,
          createdAt: at,
        });
        for (const t of ['2026-03-06T10:00:00.000Z', '2026-03-06T08:00:00.000Z', '2026-03-06T09:00:00.000Z']) {
          await store.appendConsent({ subscriberId: 's1', event: 'requested', at: t, source: 'form', lawfulBasis: 'consent' });
          await store.appendAudit({ at: t, actorId: 'a', actorName: 'A', action: 'x', entity: 'release', entityId: 'r1' });
        }
        await store.appendAudit({
          at: '2026-04-01T00:00:00.000Z',
          actorId: 'a',
          actorName: 'A',
          action: 'x',
          entity: 'release',
          entityId: 'r1',
        });

        expect((await store.listBrands()).map((b) => b.id)).toEqual(['b1', 'b2']);
        expect((await store.listLists()).map((l) => l.id)).toEqual(['l1', 'l2']);
        expect((await store.listConsent('s1')).map((c) => c.at.slice(11, 13))).toEqual(['08', '09', '10']);
        expect((await store.listAudit('2026-03')).map((e) => e.at.slice(11, 13))).toEqual(['08', '09', '10']);
      });
    });

    describe('conditional writes', () => {
      it('creates a release once, and saves a version only over the version expected', async () => {
        const { store } = await make();
        const r = release('r1', '2026-03-01');
        await store.createRelease(r);
        await expect(store.createRelease(r)).rejects.toBeInstanceOf(ConflictError);

        const v2 = { ...r, version: 2, content: { ...r.content, title: 'Deuxième' } };
        await store.updateRelease(v2, 1);
        await expect(store.updateRelease({ ...r, version: 2, content: { ...r.content, title: 'Perdue' } }, 1)).rejects.toBeInstanceOf(
          ConflictError,
        );

        expect((await store.getRelease('r1'))?.content.title).toBe('Deuxième');
        expect((await store.getReleaseVersion('r1', 1))?.title).toBe('Communiqué r1');
        expect((await store.getReleaseVersion('r1', 2))?.title).toBe('Deuxième');
      });

      it('claims a recipient once and settles it only while claimed', async () => {
        const { store } = await make();
        await store.addRecipients('c1', [recipient('c1', 's1')]);

        expect(await store.settleRecipient('c1', 's1', { status: 'sent', messageId: 'm0' }, at)).toBe(false);
        expect(await store.claimRecipient('c1', 's1', at)).toBe(true);
        expect(await store.claimRecipient('c1', 's1', at)).toBe(false);
        expect(await store.claimRecipient('c1', 'nobody', at)).toBe(false);
        expect(await store.settleRecipient('c1', 's1', { status: 'sent', messageId: 'm1' }, at)).toBe(true);
        expect(await store.settleRecipient('c1', 's1', { status: 'failed', error: 'x' }, at)).toBe(false);

        expect(await store.getRecipient('c1', 's1')).toMatchObject({ status: 'sent', messageId: 'm1', claimedAt: at });
        // a snapshot written again leaves the sent recipient alone
        expect(await store.addRecipients('c1', [recipient('c1', 's1'), recipient('c1', 's2')])).toBe(1);
        expect((await store.getRecipient('c1', 's1'))?.status).toBe('sent');
      });

      it('moves a campaign status only from the states given, with a reason shown only on that move', async () => {
        const { store } = await make();
        expect((await store.createCampaign(campaign('c1'), mail)).created).toBe(true);
        const again = await store.createCampaign({ ...campaign('c1'), listIds: ['other'] }, mail);
        expect(again.created).toBe(false);
        expect(again.campaign.listIds).toEqual(['l1']);

        expect(await store.setCampaignStatus('c1', 'finished', ['paused'], at)).toBe(false);
        expect(await store.setCampaignStatus('c1', 'paused', ['running'], at, 'SES en pause')).toBe(true);
        expect(await store.getCampaign('c1')).toMatchObject({ status: 'paused', statusReason: 'SES en pause' });
        expect(await store.setCampaignStatus('c1', 'running', ['paused', 'scheduled'], '2026-03-06T10:00:00.000Z')).toBe(true);
        const resumed = await store.getCampaign('c1');
        expect(resumed?.statusReason).toBeUndefined();
        expect(resumed?.startedAt).toBe('2026-03-06T10:00:00.000Z');
        expect(await store.setCampaignStatus('c1', 'cancelled', ['running'], at)).toBe(true);
        expect(await store.rescheduleCampaign('c1', { sendAt: at, localSendAt: '2026-03-06T10:00', timeZone: 'Europe/Paris' }, at)).toBe(
          false,
        );
        expect(await store.setCampaignStatus('nope', 'paused', ['running'], at)).toBe(false);
        await store.createCampaign(
          { ...campaign('c2', at, 'scheduled'), sendAt: at, localSendAt: '2026-03-06T10:00', timeZone: 'Europe/Paris' },
          mail,
        );
        const later = { sendAt: '2026-03-08T09:00:00.000Z', localSendAt: '2026-03-08T10:00', timeZone: 'Europe/Paris' };
        expect(await store.rescheduleCampaign('c2', later, at)).toBe(true);
        expect(await store.getCampaign('c2')).toMatchObject({ status: 'scheduled', ...later });
        expect((await store.getCampaign('c1'))?.delivery).toEqual({
          delivered: 0,
          bounced: 0,
          transientBounces: 0,
          complaints: 0,
          rejected: 0,
        });
      });

      it('refuses a second list or token with the same id, and a subscriber update that changes or invents the address', async () => {
        const { store } = await make();
        const list = {
          id: 'l1',
          name: 'Presse',
          description: '',
          kind: 'press' as const,
          optIn: 'single' as const,
          publicSignup: false,
          createdAt: at,
        };
        await store.createList(list);
        await expect(store.createList({ ...list, name: 'Autre' })).rejects.toThrow();
        expect((await store.getList('l1'))?.name).toBe('Presse');

        await store.putApiToken('h1', { id: 'a1', name: 'Anne', role: 'publisher' });
        await expect(store.putApiToken('h1', { id: 'a2', name: 'Intrus', role: 'admin' })).rejects.toThrow();
        expect(await store.actorByTokenHash('h1')).toEqual({ id: 'a1', name: 'Anne', role: 'publisher' });

        const first = await store.createSubscriber(subscriber('s1', 'anne@example.org'));
        const second = await store.createSubscriber(subscriber('s2', 'anne@example.org'));
        expect(first.created).toBe(true);
        expect(second).toEqual({ created: false, subscriber: expect.objectContaining({ id: 's1' }) });
        await expect(store.updateSubscriber(subscriber('s1', 'autre@example.org'))).rejects.toThrow();
        await expect(store.updateSubscriber(subscriber('ghost', 'ghost@example.org'))).rejects.toThrow();
        await expect(store.setMembershipStatus('l1', 'ghost', 'confirmed', at)).rejects.toThrow();
        expect(await store.getSubscriber('ghost')).toBeUndefined();
        expect(await store.markEventSeen('e1')).toBe(true);
        expect(await store.markEventSeen('e1')).toBe(false);
      });
    });

    describe('transactions and their cancellation reasons', () => {
      it('claims a group, leaving out exactly the recipients taken or unknown, over several transactions', async () => {
        const { store } = await make();
        const ids = Array.from({ length: 120 }, (_, i) => `s${String(i).padStart(3, '0')}`);
        await store.addRecipients(
          'c1',
          ids.map((id) => recipient('c1', id)),
          'new',
        );
        const taken = ['s003', 's060', 's119'];
        for (const id of taken) await store.claimRecipient('c1', id, at);

        const claimed = await store.claimRecipients('c1', [...ids, 'unknown'], at);

        expect(claimed).toEqual(new Set(ids.filter((id) => !taken.includes(id))));
        expect((await store.tallyLedger('c1')).counts).toMatchObject({ pending: 0, sending: 120 });
        expect(await store.claimRecipients('c1', ids, at)).toEqual(new Set());
        await expect(store.claimRecipients('c1', ['s001', 's001'], at)).rejects.toThrow();
      });

      it('settles a group, leaving out those settled meanwhile with their own outcome', async () => {
        const { store } = await make();
        await store.addRecipients(
          'c1',
          ['a', 'b', 'c', 'd'].map((id) => recipient('c1', id)),
          'new',
        );
        await store.claimRecipients('c1', ['a', 'b', 'c'], at);
        expect(await store.settleIfSending('c1', 'b', 'ses-b', at)).toBe(true); // a SES Send event came first

        const settled = await store.settleRecipients(
          'c1',
          [
            { subscriberId: 'a', outcome: { status: 'sent', messageId: 'm-a' } },
            { subscriberId: 'b', outcome: { status: 'sent', messageId: 'm-b' } },
            { subscriberId: 'c', outcome: { status: 'pending', error: 'throttled' } },
            { subscriberId: 'd', outcome: { status: 'failed', error: 'never claimed' } },
          ],
          at,
        );

        expect(settled).toEqual(new Set(['a', 'c']));
        expect(await store.getRecipient('c1', 'b')).toMatchObject({ status: 'sent', messageId: 'ses-b' });
        expect(await store.getRecipient('c1', 'c')).toMatchObject({ status: 'pending', error: 'throttled' });
        expect(await store.getRecipient('c1', 'd')).toMatchObject({ status: 'pending' });
        // Late Send events: a recipient already sent (the read says so) and one never claimed are left as they are.
        expect(await store.settleIfSending('c1', 'a', 'ses-late', at)).toBe(false);
        expect(await store.settleIfSending('c1', 'd', 'ses-d', at)).toBe(false);
        expect(await store.getRecipient('c1', 'a')).toMatchObject({ status: 'sent', messageId: 'm-a' });
        expect(await store.tallyLedger('c1')).toEqual({
          recipients: 4,
          counts: { pending: 2, sending: 0, sent: 2, failed: 0, skipped: 0 },
          claims: [],
        });
      });
    });

    describe('the shape an erasure leaves', () => {
      it('keeps the id and the suppression, blanks the address everywhere, and frees the address for a new sign-up', async () => {
        const { store, dump } = await make();
        const email = 'lea.martin@example.org';
        await store.createSubscriber(
          subscriber('s1', email, { name: 'Léa Martin', organisation: 'La Nouvelle République', tags: ['presse'] }),
        );
        await store.putMembership({ listId: 'l1', subscriberId: 's1', email, status: 'confirmed', updatedAt: at });
        await store.appendConsent({
          subscriberId: 's1',
          event: 'confirmed',
          at,
          source: 'form',
          lawfulBasis: 'consent',
          ip: '192.0.2.7',
          userAgent: 'Firefox',
        });
        await store.addRecipients('c1', [{ ...recipient('c1', 's1'), email }], 'new');
        await store.claimRecipient('c1', 's1', at);
        await store.settleRecipient('c1', 's1', { status: 'sent', messageId: 'm1' }, at);
        await store.addRecipients('c2', [{ ...recipient('c2', 's1'), email }], 'new');
        await store.claimRecipient('c2', 's1', at);
        const sesError =
          'MessageRejected: Email address is not verified. The following identities failed the check: Lea.Martin@example.org';
        await store.settleRecipient('c2', 's1', { status: 'failed', error: sesError }, at);
        await store.createCampaign(campaign('c2'), mail);
        await store.setCampaignStatus('c2', 'paused', ['running'], at, `SES refuse les envois. Détail : ${sesError}`);
        const later = '2026-03-07T09:00:00.000Z';

        await store.eraseSubscriber('s1', later);

        const erased = await store.getSubscriber('s1');
        expect(erased).toEqual({
          id: 's1',
          email: 'erased:s1',
          tags: [],
          language: 'fr',
          createdAt: at,
          updatedAt: later,
          erasedAt: later,
        });
        expect(await store.getMembership('l1', 's1')).toEqual({
          listId: 'l1',
          subscriberId: 's1',
          email: 'erased:s1',
          status: 'unsubscribed',
          updatedAt: later,
        });
        expect(await store.getRecipient('c1', 's1')).toMatchObject({ email: 'erased:s1', status: 'sent', messageId: 'm1' });
        expect(await store.getRecipient('c2', 's1')).toMatchObject({
          email: 'erased:s1',
          status: 'failed',
          error: 'MessageRejected: Email address is not verified. The following identities failed the check: [adresse effacée]',
        });
        expect((await store.getCampaign('c2'))?.statusReason).toBe(
          'SES refuse les envois. Détail : MessageRejected: Email address is not verified. The following identities failed the check: [adresse effacée]',
        );
        expect(await store.listConsent('s1')).toEqual([
          { subscriberId: 's1', event: 'confirmed', at, source: 'form', lawfulBasis: 'consent' },
        ]);
        expect(await store.suppressionOf(email)).toEqual({ reason: 'erased', at: later });
        expect(await store.isSuppressed(email)).toBe(true);
        expect(await store.findSuppressed([email, 'other@example.org'])).toEqual(new Set([email]));
        expect(await store.getSubscriberByEmail(email)).toBeUndefined();
        const all = await dump();
        for (const variant of [email, email.toUpperCase(), 'Lea.Martin@Example.org', 'Léa Martin', '192.0.2.7']) {
          expect(all.toLowerCase()).not.toContain(variant.toLowerCase());
        }
        // the suppression is a keyed HMAC: no plain SHA-256 that a candidate address would match
        expect(all).not.toContain(createHash('sha256').update(email).digest('hex'));
        // the address may sign up again as a new person; it stays suppressed until they confirm
        expect((await store.createSubscriber(subscriber('s2', email))).created).toBe(true);
        expect(await store.isSuppressed(email)).toBe(true);
      });
    });

    describe('audience changes since a snapshot (what a send batch reads instead of each recipient)', () => {
      it('honours suppressions, unsubscriptions and removals made after the mark, per list, with the names the message carries', async () => {
        const { store } = await make();
        const member = (listId: string, subscriberId: string, email: string) =>
          store.putMembership({ listId, subscriberId, email, status: 'confirmed', updatedAt: at });
        const queued = [
          { subscriberId: 'a', email: 'a@example.org', name: 'Anne', listIds: ['l1'] },
          { subscriberId: 'b', email: 'b@example.org', listIds: ['l1', 'l2'] },
          { subscriberId: 'c', email: 'c@example.org', listIds: ['l1'] },
          { subscriberId: 'd', email: 'd@example.org', listIds: ['l1'] },
          { subscriberId: 'e', email: 'e@example.org', listIds: ['l1'] },
        ];
        for (const r of queued) for (const l of r.listIds) await member(l, r.subscriberId, r.email);
        const mark = store.audienceChangesMark();

        await store.suppress('a@example.org', 'hard-bounce', at); // suppressed after the snapshot
        await store.setMembershipStatus('l1', 'b', 'unsubscribed', at); // left one of two lists: still on l2
        await store.setMembershipStatus('l1', 'c', 'unsubscribed', at); // left its only list
        await store.deleteMembership('l1', 'd'); // removed from its only list
        const context = await store.loadSendContextSince(mark, queued);

        expect(context.suppressed).toEqual(new Set(['a@example.org']));
        expect([...context.stillConfirmed].sort()).toEqual(['a', 'b', 'e']);
        expect(context.names).toEqual(new Map([['a', 'Anne']]));
      });

      it('a member who leaves and comes back after the mark is still confirmed', async () => {
        const { store } = await make();
        await store.putMembership({ listId: 'l1', subscriberId: 'f', email: 'f@example.org', status: 'confirmed', updatedAt: at });
        const mark = store.audienceChangesMark();

        await store.setMembershipStatus('l1', 'f', 'unsubscribed', at);
        await store.setMembershipStatus('l1', 'f', 'confirmed', at);

        const context = await store.loadSendContextSince(mark, [{ subscriberId: 'f', email: 'f@example.org', listIds: ['l1'] }]);
        expect(context.stillConfirmed).toEqual(new Set(['f']));
        expect(context.suppressed).toEqual(new Set());
      });
    });

    describe('members counted by list and status', () => {
      /** What a walk over every member of the list says: what the counts must equal. */
      const walk = async (store: Store, listId: string) => {
        const counts = { unconfirmed: 0, confirmed: 0, unsubscribed: 0 };
        for (const page of await allPages(50, (cursor) => store.listMembers(listId, { limit: 50, cursor })))
          for (const m of page) counts[m.status]++;
        return counts;
      };

      it('moves a count exactly when a membership is created, changes status or goes, by every kind of write', async () => {
        const { store } = await make();
        const member = (subscriberId: string, status: 'unconfirmed' | 'confirmed' | 'unsubscribed', listId = 'l1') => ({
          listId,
          subscriberId,
          email: `${subscriberId}@example.org`,
          status,
          updatedAt: at,
        });
        expect(await store.countMembersByStatus('l1')).toEqual({ unconfirmed: 0, confirmed: 0, unsubscribed: 0 });
        for (const id of ['a', 'b', 'c']) await store.putMembership(member(id, 'confirmed'));
        for (const id of ['d', 'e']) await store.putMembership(member(id, 'unconfirmed'));
        await store.putMembership(member('x', 'confirmed', 'l2'));
        expect(await store.countMembersByStatus('l1')).toEqual({ unconfirmed: 2, confirmed: 3, unsubscribed: 0 });

        await store.putMembership(member('a', 'confirmed')); // written again, same status: no move
        await store.setMembershipStatus('l1', 'd', 'confirmed', at);
        await store.setMembershipStatus('l1', 'b', 'unsubscribed', at);
        await store.setMembershipStatus('l1', 'b', 'unsubscribed', at); // already so: no move
        await expect(store.setMembershipStatus('l1', 'ghost', 'confirmed', at)).rejects.toThrow();
        await store.deleteMembership('l1', 'c');
        await store.deleteMembership('l1', 'ghost'); // nobody: no move
        expect(await store.countMembersByStatus('l1')).toEqual({ unconfirmed: 1, confirmed: 2, unsubscribed: 1 });

        // An import: one membership unchanged, one changing status, two new (one of them on another list).
        const results = await store.writeContacts([
          { membership: member('a', 'confirmed') },
          { membership: member('e', 'confirmed') },
          { membership: member('f', 'unconfirmed') },
          { membership: member('g', 'confirmed', 'l2') },
        ]);
        expect(results).toEqual(['written', 'written', 'written', 'written']);
        expect(await store.countMembersByStatus('l1')).toEqual({ unconfirmed: 1, confirmed: 3, unsubscribed: 1 });

        // Erasure: every membership of the person left unsubscribed, on each of their lists.
        await store.createSubscriber(subscriber('a', 'a@example.org'));
        await store.putMembership(member('a', 'confirmed', 'l2'));
        await store.eraseSubscriber('a', at);
        expect(await store.countMembersByStatus('l1')).toEqual({ unconfirmed: 1, confirmed: 2, unsubscribed: 2 });
        expect(await store.countMembersByStatus('l2')).toEqual({ unconfirmed: 0, confirmed: 2, unsubscribed: 1 });

        // At the same moment, on the same members: whatever order they land in, the counts follow the members.
        await Promise.all([
          ...['h', 'i', 'j', 'k'].map((id) => store.putMembership(member(id, 'unconfirmed'))),
          store.setMembershipStatus('l1', 'e', 'unsubscribed', at),
          store.putMembership(member('e', 'confirmed')),
          store.deleteMembership('l1', 'f'),
          store.writeContacts([{ membership: member('f', 'confirmed') }, { membership: member('h', 'confirmed') }]),
        ]);
        for (const listId of ['l1', 'l2', 'none']) expect(await store.countMembersByStatus(listId)).toEqual(await walk(store, listId));
      });
    });

    describe('memberships and subscriber ids read in batches (what the audience estimate reads)', () => {
      it('answers every pair and address it knows across batches of 100, and leaves the unknown ones out', async () => {
        const { store } = await make();
        const ids = Array.from({ length: 130 }, (_, i) => `b${i}`);
        for (const id of ids) await store.createSubscriber(subscriber(id, `${id}@example.org`));
        for (const id of ids.slice(0, 120))
          await store.putMembership({ listId: 'l1', subscriberId: id, email: `${id}@example.org`, status: 'confirmed', updatedAt: at });
        for (const id of ids.slice(100))
          await store.putMembership({ listId: 'l2', subscriberId: id, email: `${id}@example.org`, status: 'unconfirmed', updatedAt: at });

        const pairs = ids.flatMap((subscriberId) => ['l1', 'l2', 'l3'].map((listId) => ({ listId, subscriberId })));
        const found = await store.getMemberships([...pairs, pairs[0] ?? { listId: 'l1', subscriberId: 'b0' }]);
        expect(found).toHaveLength(120 + 30);
        expect(found.filter((m) => m.listId === 'l2').every((m) => m.status === 'unconfirmed')).toBe(true);
        expect(new Set(found.map((m) => `${m.listId}#${m.subscriberId}`)).size).toBe(150);
        expect(await store.getMemberships([])).toEqual([]);

        const emails = [...ids.map((id) => `${id}@example.org`), 'inconnu@example.org'];
        const byEmail = await store.subscriberIdsByEmail(emails);
        expect(byEmail.size).toBe(130);
        expect(byEmail.get('b117@example.org')).toBe('b117');
        expect(byEmail.has('inconnu@example.org')).toBe(false);
        expect((await store.subscriberIdsByEmail([])).size).toBe(0);
      });

      it('lists the suppressed addresses page by page, newest first, and no address for an erasure', async () => {
        const { store } = await make();
        const times = ['2026-03-06T09:00:00.000Z', '2026-03-06T09:01:00.000Z', '2026-03-06T09:02:00.000Z', '2026-03-06T09:03:00.000Z'];
        await store.suppress('a@example.org', 'hard-bounce', times[0] ?? at);
        await store.suppress('b@example.org', 'complaint', times[1] ?? at);
        await store.suppress('gone@example.org', 'erased', times[2] ?? at);
        await store.suppress('c@example.org', 'manual', times[3] ?? at);
        const pages = await allPages(2, (cursor) => store.suppressedAddresses({ limit: 2, cursor }));
        expect(pages.flat()).toEqual(['c@example.org', 'b@example.org', 'a@example.org']);
        expect(pages.length).toBeGreaterThanOrEqual(2);
      });
    });

    describe('a snapshot in chunks', () => {
      it('keeps a suspended snapshot’s progress under the lease, for the next holder, until the total is fixed', async () => {
        const { store } = await make();
        await store.createCampaign(campaign('c-chunks'), mail);
        expect(await store.getSnapshotProgress('c-chunks')).toBeUndefined();
        expect(await store.acquireSnapshotLease('c-chunks', 'w1', 1_000, 60_000)).toEqual({ acquired: true, firstAttempt: true });
        expect(await store.suspendSnapshot('c-chunks', 'intruder', '{"listIndex":9}')).toBe(false);
        expect(await store.suspendSnapshot('c-chunks', 'w1', '{"listIndex":0,"cursor":"p2"}')).toBe(true);
        expect(await store.getSnapshotProgress('c-chunks')).toBe('{"listIndex":0,"cursor":"p2"}');
        expect(await store.renewSnapshotLease('c-chunks', 'w1', 90_000)).toBe(false); // the lease went with the suspension
        // the next invocation takes the lease at once (well before the old one would have expired) and reads where to resume
        expect(await store.acquireSnapshotLease('c-chunks', 'w2', 2_000, 60_000)).toEqual({ acquired: true, firstAttempt: false });
        expect(await store.getSnapshotProgress('c-chunks')).toBe('{"listIndex":0,"cursor":"p2"}');
        await store.releaseSnapshotLease('c-chunks', 'w2'); // an error: the progress stays for a retry
        expect(await store.getSnapshotProgress('c-chunks')).toBe('{"listIndex":0,"cursor":"p2"}');
        expect(await store.acquireSnapshotLease('c-chunks', 'w3', 3_000, 60_000)).toMatchObject({ acquired: true });
        expect(await store.completeSnapshot('c-chunks', 'w3', 7)).toBe(true);
        expect(await store.getSnapshotProgress('c-chunks')).toBeUndefined();
        expect((await store.getCampaign('c-chunks'))?.total).toBe(7);
        expect(await store.getCampaign('c-chunks')).not.toHaveProperty('snapshotProgress');
      });
    });
  });
}
