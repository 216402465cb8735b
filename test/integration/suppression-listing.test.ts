import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoStore } from '../../functions/adapters/dynamodb/dynamo-store';
import { keys } from '../../functions/adapters/dynamodb/keys';
import { addManualSuppression, listSuppressionsView } from '../../functions/app/manage-suppressions';
import { emailHash } from '../../functions/domain/email-hash';
import { liftableSuppressionReasons } from '../../functions/domain/suppression';
import type { Store } from '../../functions/ports';
import { freshTable } from '../support/emulator-context';
import { InMemoryStore } from '../support/in-memory-store';

const pepper = 'suppression-pepper-0123456789';
const stores: [string, () => Promise<{ store: Store; dump: () => Promise<string> }>][] = [
  [
    'InMemoryStore',
    async () => {
      const store = new InMemoryStore(pepper);
      return { store, dump: async () => JSON.stringify(store, (_k, v) => (v instanceof Map ? [...v] : v instanceof Set ? [...v] : v)) };
    },
  ],
  [
    'DynamoStore on DynamoDB Local',
    async () => {
      const { client, tableName } = await freshTable('suppressions');
      // Every item, raw: enough for this small table (one page).
      const dump = async () => JSON.stringify((await client.send(new ScanCommand({ TableName: tableName, ConsistentRead: true }))).Items);
      return { store: new DynamoStore(client, tableName, { addressPepper: pepper }), dump };
    },
  ],
];

describe.each(stores)('suppression listing (%s)', (_, make) => {
  it('lists suppressions newest first by cursor, with the address except for erasures, and searches the kept addresses', async () => {
    const { store } = await make();
    await store.suppress('anne@exemple.fr', 'hard-bounce', '2026-03-01T09:00:00.000Z');
    await store.suppress('bruno@radio.fr', 'complaint', '2026-03-02T09:00:00.000Z');
    await store.suppress('claire@exemple.fr', 'manual', '2026-03-03T09:00:00.000Z');
    await store.suppress('denis@exemple.fr', 'erased', '2026-03-04T09:00:00.000Z');

    const first = await store.listSuppressions({ limit: 3 });
    const second = await store.listSuppressions({ limit: 3, cursor: first.cursor });
    const search = await store.listSuppressions({ contains: 'EXEMPLE' });

    expect(first.items.map((e) => [e.reason, e.email])).toEqual([
      ['erased', undefined],
      ['manual', 'claire@exemple.fr'],
      ['complaint', 'bruno@radio.fr'],
    ]);
    expect(second.items.map((e) => e.email)).toEqual(['anne@exemple.fr']);
    expect(search.items.map((e) => e.email)).toEqual(['claire@exemple.fr', 'anne@exemple.fr']);
    const erased = await store.suppressionEntryOf('denis@exemple.fr');
    expect(erased).toEqual({ key: first.items[0]?.key, reason: 'erased', at: '2026-03-04T09:00:00.000Z' });
    expect(await store.suppressionByKey(first.items[1]?.key as string)).toEqual(first.items[1]);
    expect(await store.suppressionOf('claire@exemple.fr')).toEqual({ reason: 'manual', at: '2026-03-03T09:00:00.000Z' });
  });

  it('lifts only the reasons it is allowed to, and the address is no longer suppressed', async () => {
    const { store } = await make();
    await store.suppress('anne@exemple.fr', 'hard-bounce', '2026-03-01T09:00:00.000Z');
    await store.suppress('bruno@radio.fr', 'complaint', '2026-03-02T09:00:00.000Z');
    const bounce = (await store.suppressionEntryOf('anne@exemple.fr'))?.key as string;
    const complaint = (await store.suppressionEntryOf('bruno@radio.fr'))?.key as string;

    const refused = await store.liftSuppression(complaint, liftableSuppressionReasons);
    const lifted = await store.liftSuppression(bounce, liftableSuppressionReasons);
    const twice = await store.liftSuppression(bounce, liftableSuppressionReasons);

    expect(refused).toBeUndefined();
    expect(await store.isSuppressed('bruno@radio.fr')).toBe(true);
    expect(lifted).toEqual({ key: bounce, reason: 'hard-bounce', at: '2026-03-01T09:00:00.000Z', email: 'anne@exemple.fr' });
    expect(twice).toBeUndefined();
    expect(await store.isSuppressed('anne@exemple.fr')).toBe(false);
    expect((await store.listSuppressions()).items.map((e) => e.email)).toEqual(['bruno@radio.fr']);
  });

  it('never lets a bounce replace an erasure, a complaint or an unsubscribe, and an erasure forgets a kept address', async () => {
    const { store, dump } = await make();
    await store.suppress('anne@exemple.fr', 'hard-bounce', '2026-03-01T09:00:00.000Z');
    await store.suppress('anne@exemple.fr', 'erased', '2026-03-02T09:00:00.000Z');
    await store.suppress('anne@exemple.fr', 'hard-bounce', '2026-03-03T09:00:00.000Z');
    await store.suppress('bruno@radio.fr', 'complaint', '2026-03-02T09:00:00.000Z');
    await store.suppress('bruno@radio.fr', 'manual', '2026-03-03T09:00:00.000Z');
    await store.suppress('claire@exemple.fr', 'unsubscribed-all', '2026-03-02T09:00:00.000Z');
    await store.suppress('claire@exemple.fr', 'soft-bounces', '2026-03-03T09:00:00.000Z');

    expect(await store.suppressionOf('anne@exemple.fr')).toEqual({ reason: 'erased', at: '2026-03-02T09:00:00.000Z' });
    expect(await store.suppressionOf('bruno@radio.fr')).toEqual({ reason: 'complaint', at: '2026-03-02T09:00:00.000Z' });
    expect(await store.suppressionOf('claire@exemple.fr')).toEqual({ reason: 'unsubscribed-all', at: '2026-03-02T09:00:00.000Z' });
    expect(await dump()).not.toContain('anne@exemple.fr');
  });
});

describe('a suppression kept under the old plain-hash key (DynamoDB Local)', () => {
  it('is found by a search for the whole address, and a manual block of it is refused as already blocked', async () => {
    const { client, tableName } = await freshTable('suppressions-legacy');
    const store = new DynamoStore(client, tableName, { addressPepper: pepper });
    await DynamoDBDocumentClient.from(client).send(
      new PutCommand({
        TableName: tableName,
        Item: {
          ...keys.suppression(emailHash('ancien@exemple.fr')),
          type: 'suppression',
          reason: 'complaint',
          at: '2025-01-01T09:00:00.000Z',
        },
      }),
    );
    const deps = { store, clock: { now: () => new Date('2026-03-06T09:00:00Z') } };
    const admin = { id: 'u1', name: 'Admin', role: 'admin' } as const;

    const view = await listSuppressionsView(deps, admin, { search: 'ancien@exemple.fr' });

    expect(view.exact?.entry).toMatchObject({ reason: 'complaint', at: '2025-01-01T09:00:00.000Z' });
    await expect(addManualSuppression(deps, admin, { email: 'ancien@exemple.fr' })).rejects.toThrow(
      'Cette adresse est déjà bloquée (plainte pour spam).',
    );
    expect(await store.suppressionOf('ancien@exemple.fr')).toEqual({ reason: 'complaint', at: '2025-01-01T09:00:00.000Z' });
  });
});
