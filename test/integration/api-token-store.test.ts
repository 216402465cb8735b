import { describe, expect, it } from 'vitest';
import { DynamoStore } from '../../functions/adapters/dynamodb/dynamo-store';
import type { ApiTokenRecord } from '../../functions/domain/api-token';
import type { Store } from '../../functions/ports';
import { freshTable } from '../support/emulator-context';
import { InMemoryStore } from '../support/in-memory-store';

const stores: [string, () => Promise<Store>][] = [
  ['InMemoryStore', async () => new InMemoryStore()],
  [
    'DynamoStore on DynamoDB Local',
    async () => {
      const { client, tableName } = await freshTable('tokens');
      return new DynamoStore(client, tableName);
    },
  ],
];

const record = (id: string, createdAt: string, extra: Partial<ApiTokenRecord> = {}): ApiTokenRecord => ({
  id,
  name: `Jeton ${id}`,
  role: 'editor',
  createdAt,
  createdBy: 'Administrateur',
  ...extra,
});

describe.each(stores)('API token records (%s)', (_, make) => {
  it('lists tokens newest first without their hash, and finds one by hash', async () => {
    const store = await make();
    await store.putApiTokenRecord('hash-a', record('t-a', '2026-03-01T09:00:00.000Z', { expiresAt: '2026-04-01T09:00:00.000Z' }));
    await store.putApiTokenRecord('hash-b', record('t-b', '2026-03-02T09:00:00.000Z'));

    const listed = await store.listApiTokens();
    const found = await store.apiTokenByHash('hash-a');

    expect(listed.map((t) => t.id)).toEqual(['t-b', 't-a']);
    expect(JSON.stringify(listed)).not.toContain('hash-');
    expect(found).toEqual(record('t-a', '2026-03-01T09:00:00.000Z', { expiresAt: '2026-04-01T09:00:00.000Z' }));
    expect(await store.apiTokenByHash('hash-z')).toBeUndefined();
    // The older read keeps answering: the role travels with the hash.
    expect(await store.actorByTokenHash('hash-b')).toEqual({ id: 't-b', name: 'Jeton t-b', role: 'editor' });
  });

  it('refuses a second token under the same hash', async () => {
    const store = await make();
    await store.putApiTokenRecord('hash-a', record('t-a', '2026-03-01T09:00:00.000Z'));

    await expect(store.putApiTokenRecord('hash-a', record('t-other', '2026-03-01T10:00:00.000Z'))).rejects.toThrow();
    expect((await store.listApiTokens()).map((t) => t.id)).toEqual(['t-a']);
  });

  it('revokes by id once (the first date stays), and says when no token has the id', async () => {
    const store = await make();
    await store.putApiTokenRecord('hash-a', record('t-a', '2026-03-01T09:00:00.000Z'));
    await store.putApiTokenRecord('hash-b', record('t-b', '2026-03-01T09:30:00.000Z'));

    const first = await store.revokeApiToken('t-a', '2026-03-05T09:00:00.000Z');
    const again = await store.revokeApiToken('t-a', '2026-03-06T09:00:00.000Z');

    expect(first?.revokedAt).toBe('2026-03-05T09:00:00.000Z');
    expect(again?.revokedAt).toBe('2026-03-05T09:00:00.000Z');
    expect((await store.apiTokenByHash('hash-a'))?.revokedAt).toBe('2026-03-05T09:00:00.000Z');
    expect((await store.apiTokenByHash('hash-b'))?.revokedAt).toBeUndefined();
    expect(await store.revokeApiToken('t-nope', '2026-03-06T09:00:00.000Z')).toBeUndefined();
  });

  it('records a use at most once per window, and never for an unknown hash', async () => {
    const store = await make();
    await store.putApiTokenRecord('hash-a', record('t-a', '2026-03-01T09:00:00.000Z'));

    await store.touchApiToken('hash-a', '2026-03-05T09:00:00.000Z', '2026-03-05T08:59:00.000Z');
    await store.touchApiToken('hash-a', '2026-03-05T09:00:30.000Z', '2026-03-05T08:59:30.000Z');
    const inWindow = (await store.apiTokenByHash('hash-a'))?.lastUsedAt;
    await store.touchApiToken('hash-a', '2026-03-05T09:02:00.000Z', '2026-03-05T09:01:00.000Z');
    await store.touchApiToken('hash-z', '2026-03-05T09:02:00.000Z', '2026-03-05T09:01:00.000Z');

    expect(inWindow).toBe('2026-03-05T09:00:00.000Z');
    expect((await store.apiTokenByHash('hash-a'))?.lastUsedAt).toBe('2026-03-05T09:02:00.000Z');
    expect(await store.apiTokenByHash('hash-z')).toBeUndefined();
    expect(await store.listApiTokens()).toHaveLength(1);
  });
});
