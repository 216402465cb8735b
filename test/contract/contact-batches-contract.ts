import { describe, expect, it } from 'vitest';
import type { Membership, Subscriber } from '../../functions/domain/audience';
import type { ConsentRecord } from '../../functions/domain/consent';
import type { ContactWrite } from '../../functions/domain/contact-row-rules';
import type { Store } from '../../functions/ports';

/**
 * The audience store's bulk methods for imports (`lookupContacts`, `writeContacts`): the same
 * cases against the in-memory fake and DynamoStore on DynamoDB Local
 * (test/integration/contact-batches-contract.test.ts). DynamoDB decides; the fake follows.
 */

const at = '2026-03-06T09:00:00.000Z';
const subscriber = (id: string, email: string, extra: Partial<Subscriber> = {}): Subscriber => ({
  id,
  email,
  tags: [],
  language: 'fr',
  createdAt: at,
  updatedAt: at,
  ...extra,
});
const membership = (listId: string, s: Subscriber, status: Membership['status'] = 'confirmed'): Membership => ({
  listId,
  subscriberId: s.id,
  email: s.email,
  status,
  updatedAt: at,
});
const consent = (listId: string, subscriberId: string): ConsentRecord => ({
  subscriberId,
  listId,
  event: 'imported',
  at,
  source: 'import',
  lawfulBasis: 'legitimate-interest',
  actor: 'admin : presse.csv',
});
const create = (listId: string, s: Subscriber): ContactWrite => ({
  subscriber: { mode: 'create', value: s },
  membership: membership(listId, s),
  consent: consent(listId, s.id),
});

export function contactBatchesContract(name: string, make: () => Promise<Store>): void {
  describe(`Contact batches contract: ${name}`, () => {
    it('looks up many addresses at once: suppression, subscriber and its membership of this list only', async () => {
      // prepare
      const store = await make();
      const anne = subscriber('s-anne', 'anne@example.org', { name: 'Anne' });
      const bruno = subscriber('s-bruno', 'bruno@example.org');
      await store.createSubscriber(anne);
      await store.createSubscriber(bruno);
      await store.putMembership(membership('l1', anne, 'unsubscribed'));
      await store.putMembership(membership('l2', bruno));
      await store.suppress('parti@example.org', 'hard-bounce', at);

      // act
      const found = await store.lookupContacts('l1', ['anne@example.org', 'bruno@example.org', 'parti@example.org', 'inconnu@example.org']);

      // assess
      expect([...found.keys()].sort()).toEqual(['anne@example.org', 'bruno@example.org', 'parti@example.org']);
      expect(found.get('anne@example.org')).toEqual({ subscriber: anne, membership: membership('l1', anne, 'unsubscribed') });
      expect(found.get('bruno@example.org')).toEqual({ subscriber: bruno });
      expect(found.get('parti@example.org')).toEqual({ suppression: { reason: 'hard-bounce', at } });
    });

    it('writes new contacts with their membership and consent record, and writes nothing of a row whose address is taken', async () => {
      const store = await make();
      const taken = subscriber('s-first', 'deja@example.org');
      await store.createSubscriber(taken);
      const anne = subscriber('s-anne', 'anne@example.org', { name: 'Anne' });
      const second = subscriber('s-second', 'deja@example.org', { name: 'Doublon' });

      const results = await store.writeContacts([create('l1', anne), create('l1', second)]);

      expect(results).toEqual(['written', 'address-taken']);
      expect(await store.getSubscriberByEmail('anne@example.org')).toEqual(anne);
      expect(await store.getMembership('l1', 's-anne')).toEqual(membership('l1', anne));
      expect(await store.listConsent('s-anne')).toEqual([consent('l1', 's-anne')]);
      expect(await store.getSubscriberByEmail('deja@example.org')).toEqual(taken);
      expect(await store.getSubscriber('s-second')).toBeUndefined();
      expect(await store.getMembership('l1', 's-second')).toBeUndefined();
      expect(await store.listConsent('s-second')).toEqual([]);
    });

    it('replaces a profile only while the subscriber holds the address: an erased one is left erased', async () => {
      const store = await make();
      const anne = subscriber('s-anne', 'anne@example.org');
      const bruno = subscriber('s-bruno', 'bruno@example.org');
      await store.createSubscriber(anne);
      await store.createSubscriber(bruno);
      await store.eraseSubscriber('s-bruno', at);

      const results = await store.writeContacts([
        {
          subscriber: { mode: 'replace', value: { ...anne, role: 'Pigiste' } },
          membership: membership('l1', anne),
          consent: consent('l1', 's-anne'),
        },
        {
          subscriber: { mode: 'replace', value: { ...bruno, role: 'Pigiste' } },
          membership: membership('l1', bruno),
          consent: consent('l1', 's-bruno'),
        },
        { membership: membership('l2', anne), consent: consent('l2', 's-anne') },
      ]);

      expect(results).toEqual(['written', 'subscriber-changed', 'written']);
      expect((await store.getSubscriber('s-anne'))?.role).toBe('Pigiste');
      expect((await store.listMembershipsOf('s-anne')).map((m) => m.listId)).toEqual(['l1', 'l2']);
      expect((await store.listConsent('s-anne')).map((c) => c.listId).sort()).toEqual(['l1', 'l2']);
      expect(await store.getSubscriber('s-bruno')).toMatchObject({ email: 'erased:s-bruno' });
      expect((await store.getSubscriber('s-bruno'))?.role).toBeUndefined();
      expect(await store.getMembership('l1', 's-bruno')).toBeUndefined();
      expect(await store.listConsent('s-bruno')).toEqual([]);
    });

    it('writes a chunk larger than one transaction and one batch, then finds every contact of it', async () => {
      const store = await make();
      const all = Array.from({ length: 130 }, (_, i) => subscriber(`s-${i}`, `c${i}@example.org`));
      await store.createSubscriber(subscriber('s-other', 'c77@example.org'));

      const results = await store.writeContacts(all.map((s) => create('l1', s)));
      const found = await store.lookupContacts(
        'l1',
        all.map((s) => s.email),
      );

      expect(results.filter((r) => r === 'written')).toHaveLength(129);
      expect(results[77]).toBe('address-taken');
      expect(found.size).toBe(130);
      expect(found.get('c5@example.org')).toEqual({ subscriber: all[5], membership: membership('l1', all[5] as Subscriber) });
      expect(found.get('c77@example.org')).toEqual({ subscriber: subscriber('s-other', 'c77@example.org') });
      let members = 0;
      let cursor: string | undefined;
      do {
        const page = await store.listMembers('l1', { cursor, limit: 100 });
        members += page.items.length;
        cursor = page.cursor;
      } while (cursor);
      expect(members).toBe(129);
    });
  });
}
