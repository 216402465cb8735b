import { beforeAll, describe, expect, it } from 'vitest';
import { buildLocalWiring, type LocalWiring } from '../../functions/wiring';
import { freshTable, localConfigFor } from '../support/emulator-context';
import { fakeRenderer, testBrand } from '../support/fakes';

let wiring: LocalWiring;

async function call<T = Record<string, unknown>>(method: string, path: string, body?: unknown) {
  const r = await wiring.http.request(`/api${path}`, {
    method,
    headers: { authorization: 'Bearer root', 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.status, body: (await r.json()) as T };
}

beforeAll(async () => {
  const { tableName } = await freshTable('size');
  wiring = buildLocalWiring(
    localConfigFor(tableName),
    { adminToken: 'root', tokenKeys: { currentKeyId: 'k1', keys: { k1: 'k' } } },
    fakeRenderer,
  );
  await wiring.deps.store.putBrand(testBrand);
});

// 199,000 « é » pass the schema's 200,000-character limit but weigh 398 KB in UTF-8:
// DynamoDB refuses any item over 400 KB, and the release item holds more than its body.
const heavyBody = 'é'.repeat(199_000);

describe('release size is bounded before it is saved (DynamoDB Local)', () => {
  it('refuses a new release too big for an item with 400 and a French message naming the biggest field', async () => {
    const r = await call<{ message: string; field: string }>('POST', '/releases', { brandId: 'cd41', title: 'Lourd', body: heavyBody });
    expect(r.status).toBe(400);
    expect(r.body.field).toBe('body');
    expect(r.body.message).toMatch(/trop volumineux/);
    expect(r.body.message).toContain('« body »');
  });

  it('refuses an edit that makes a release too big, and keeps the saved version', async () => {
    const created = await call<{ id: string; version: number }>('POST', '/releases', { brandId: 'cd41', title: 'Léger', body: 'court' });
    expect(created.status).toBe(201);
    const r = await call<{ message: string; field: string }>('PUT', `/releases/${created.body.id}`, {
      content: {
        brandId: 'cd41',
        title: 'Léger',
        about: Array.from({ length: 25 }, (_, i) => ({ title: `Bloc ${i}`, body: 'à'.repeat(9_000) })),
      },
    });
    expect(r.status).toBe(400);
    expect(r.body.field).toBe('about');
    const kept = await call<{ version: number; content: { body: string } }>('GET', `/releases/${created.body.id}`);
    expect(kept.body).toMatchObject({ version: 1, content: { body: 'court' } });
  });

  it('accepts a long release that fits', async () => {
    const r = await call<{ id: string }>('POST', '/releases', { brandId: 'cd41', title: 'Long', body: 'a'.repeat(150_000) });
    expect(r.status).toBe(201);
  });
});
