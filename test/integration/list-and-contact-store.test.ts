import { describe, expect, it } from 'vitest';
import { DynamoStore } from '../../functions/adapters/dynamodb/dynamo-store';
import type { MailingList, Subscriber } from '../../functions/domain/audience';
import type { Store } from '../../functions/ports';
import { freshTable } from '../support/emulator-context';
import { InMemoryStore } from '../support/in-memory-store';

const stores: [string, () => Promise<Store>][] = [
  ['InMemoryStore', async () => new InMemoryStore()],
  [
    'DynamoStore on DynamoDB Local',
    async () => {
      const { client, tableName } = await freshTable('audience-pages');
      return new DynamoStore(client, tableName);
    },
  ],
];

const at = '2026-03-01T09:00:00.000Z';
const list = (id: string, name: string): MailingList => ({
  id,
  name,
  description: '',
  kind: 'press',
  optIn: 'single',
  publicSignup: false,
  createdAt: at,
});
const subscriber = (id: string, email: string, name?: string): Subscriber => ({
  id,
  email,
  ...(name ? { name } : {}),
  tags: [],
  language: 'fr',
  createdAt: at,
  updatedAt: at,
});

describe.each(stores)('lists and contacts for the workspace (%s)', (_, make) => {
  it('updates a list, which the index then lists under its new name; an unknown list is refused', async () => {
    const store = await make();
    await store.createList(list('l1', 'Presse'));
    await store.createList(list('l2', 'Autres'));

    await store.updateList({ ...list('l1', 'Zèbre presse'), kind: 'partners', optIn: 'double', publicSignup: true, brandId: 'cd41' });

    expect(await store.getList('l1')).toEqual({
      ...list('l1', 'Zèbre presse'),
      kind: 'partners',
      optIn: 'double',
      publicSignup: true,
      brandId: 'cd41',
    });
    expect((await store.listLists()).map((l) => l.name)).toEqual(['Autres', 'Zèbre presse']);
    await expect(store.updateList(list('nope', 'Fantôme'))).rejects.toThrow();
    expect(await store.getList('nope')).toBeUndefined();
  });

  it('counts a list’s members by status, and forgets a deleted membership', async () => {
    const store = await make();
    await store.createList(list('l1', 'Presse'));
    const statuses = ['confirmed', 'confirmed', 'unconfirmed', 'unsubscribed', 'confirmed'] as const;
    for (const [i, status] of statuses.entries()) {
      await store.createSubscriber(subscriber(`s${i}`, `p${i}@exemple.fr`));
      await store.putMembership({ listId: 'l1', subscriberId: `s${i}`, email: `p${i}@exemple.fr`, status, updatedAt: at });
    }

    const before = await store.countMembersByStatus('l1');
    await store.deleteMembership('l1', 's0');

    expect(before).toEqual({ confirmed: 3, unconfirmed: 1, unsubscribed: 1 });
    expect(await store.countMembersByStatus('l1')).toEqual({ confirmed: 2, unconfirmed: 1, unsubscribed: 1 });
    expect(await store.getMembership('l1', 's0')).toBeUndefined();
    expect((await store.listMembershipsOf('s0')).length).toBe(0);
    expect(await store.countMembersByStatus('empty')).toEqual({ confirmed: 0, unconfirmed: 0, unsubscribed: 0 });
  });

  it('reads many subscribers at once, more than one batch, leaving unknown ids out', async () => {
    const store = await make();
    for (let i = 0; i < 120; i++) await store.createSubscriber(subscriber(`s${i}`, `p${i}@exemple.fr`, `Personne ${i}`));

    const found = await store.getSubscribers([...Array.from({ length: 120 }, (_, i) => `s${i}`), 'inconnu', 's5']);

    expect(found).toHaveLength(120);
    expect(found.find((s) => s.id === 's42')).toEqual(subscriber('s42', 'p42@exemple.fr', 'Personne 42'));
    expect(await store.getSubscribers([])).toEqual([]);
  });
});
