import { describe, expect, it } from 'vitest';
import { addSubscriberToList, createList } from '../../../functions/app/manage-audience';
import { createRelease } from '../../../functions/app/manage-releases';
import { createApiToken } from '../../../functions/app/manage-tokens';
import { bootstrapAdmin, type Role } from '../../../functions/domain/actor';
import { buildHttpApp } from '../../../functions/http/app';
import { fakeDeps, testBrand } from '../../support/fakes';

async function setup() {
  const ctx = fakeDeps();
  const { deps } = ctx;
  const app = buildHttpApp(deps, { adminToken: 'root', health: async () => ({}), logError: (e) => console.error(e) });
  const tokens: Partial<Record<Role, string>> = {};
  for (const role of ['editor', 'reviewer', 'publisher'] as const)
    tokens[role] = (await createApiToken(deps, bootstrapAdmin, { name: `Jeton ${role}`, role })).token;
  const call = (method: string, path: string, body?: unknown, role: Role = 'admin') =>
    app.request(path, {
      method,
      headers: { authorization: `Bearer ${role === 'admin' ? 'root' : tokens[role]}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  return { ...ctx, app, call };
}

const radios41 = { name: 'Radios du 41', filter: { mediumTypes: ['radio'], departments: ['41'] } };

describe('POST /api/segments', () => {
  it('answers 201 with the id, and GET lists it', async () => {
    const { call } = await setup();
    const res = await call('POST', '/api/segments', radios41, 'publisher');
    expect(res.status).toBe(201);
    const created = (await res.json()) as { id: string; name: string; filter: unknown; createdBy: string };
    expect(created).toMatchObject({ name: 'Radios du 41', filter: radios41.filter, createdBy: 'Jeton publisher' });
    expect(created.id).toBeTruthy();

    const list = await call('GET', '/api/segments');
    expect(list.status).toBe(200);
    expect(((await list.json()) as { items: { id: string }[] }).items.map((s) => s.id)).toEqual([created.id]);
    expect((await call('GET', `/api/segments/${created.id}`, undefined, 'publisher')).status).toBe(200);
  });

  it('answers 400 with a French message naming the field', async () => {
    const { call, store } = await setup();
    const badMedium = await call('POST', '/api/segments', { name: 'X', filter: { mediumTypes: ['journal'] } });
    expect(badMedium.status).toBe(400);
    const body = (await badMedium.json()) as { field: string; message: string };
    expect(body.field).toBe('filter.mediumTypes.0');
    expect(body.message).toMatch(/^Champ « filter\.mediumTypes\.0 » : type de média inconnu/);

    const noName = (await (await call('POST', '/api/segments', { filter: { tags: ['social'] } })).json()) as {
      field: string;
      message: string;
    };
    expect(noName).toMatchObject({ field: 'name', message: 'Champ « name » : donnez un nom au segment' });

    const empty = await call('POST', '/api/segments', { name: 'Tous', filter: {} });
    expect(empty.status).toBe(400);
    expect(((await empty.json()) as { message: string }).message).toMatch(/filter.*au moins un critère/);

    const typo = await call('POST', '/api/segments', { name: 'Radios', filter: { medium: ['radio'] } });
    expect(((await typo.json()) as { message: string }).message).toMatch(/critère inconnu : medium/);
    expect(await store.listSegments()).toEqual([]);
  });

  it('answers 403 to a role that may not manage the audience, and lists only for who reads the audience or sends', async () => {
    const { call, store } = await setup();
    const res = await call('POST', '/api/segments', radios41, 'editor');
    expect(res.status).toBe(403);
    expect(((await res.json()) as { message: string }).message).toMatch(/Action réservée \(audience:manage\)/);
    expect((await call('GET', '/api/segments', undefined, 'reviewer')).status).toBe(403);
    expect(await store.listSegments()).toEqual([]);
  });
});

describe('GET /api/audience and POST /api/campaigns with a segment', () => {
  async function withAudience() {
    const ctx = await setup();
    const { deps, store, call } = ctx;
    await store.putBrand(testBrand);
    const release = await createRelease(deps, { brandId: 'cd41', title: 'Festival', body: 'Texte.' });
    const presse = await createList(deps, { name: 'Presse', kind: 'press', optIn: 'single' });
    await addSubscriberToList(deps, presse.id, { email: 'radio@exemple.fr', profile: { mediumType: 'radio', department: '41' } });
    await addSubscriberToList(deps, presse.id, { email: 'tele@exemple.fr', profile: { mediumType: 'tv', department: '41' } });
    await addSubscriberToList(deps, presse.id, { email: 'attente@exemple.fr', profile: { mediumType: 'radio' }, status: 'unconfirmed' });
    const segment = (await (await call('POST', '/api/segments', radios41)).json()) as { id: string };
    return { ...ctx, release, presse, segment };
  }

  it('counts who a send would reach with the segment, and who is left out and why', async () => {
    const { call, presse, segment } = await withAudience();
    const all = await call('GET', `/api/audience?listIds=${presse.id}`, undefined, 'publisher');
    expect(await all.json()).toEqual({ recipients: 2, suppressed: 0, notConfirmed: 1 });
    const res = await call('GET', `/api/audience?listIds=${presse.id}&segmentId=${segment.id}`, undefined, 'publisher');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      recipients: 1,
      suppressed: 0,
      notConfirmed: 0,
      outsideSegment: 1,
      segment: { id: segment.id, name: 'Radios du 41' },
    });
    expect((await call('GET', `/api/audience?listIds=${presse.id}`, undefined, 'editor')).status).toBe(403);
    expect((await call('GET', `/api/audience?listIds=${presse.id}&segmentId=nope`)).status).toBe(404);
  });

  it('launches with a segmentId or an inline filter; a bad filter is a 400 naming the field', async () => {
    const { call, presse, segment, release, store } = await withAudience();
    const bySegment = await call('POST', '/api/campaigns', { releaseId: release.id, listIds: [presse.id], segmentId: segment.id });
    expect(bySegment.status).toBe(202);
    expect(await bySegment.json()).toMatchObject({ segment: { id: segment.id, name: 'Radios du 41' }, audienceFilter: radios41.filter });

    const inline = await call('POST', '/api/campaigns', { releaseId: release.id, listIds: [presse.id], filter: { mediumTypes: ['tv'] } });
    expect(inline.status).toBe(202);
    expect(((await inline.json()) as { audienceFilter: unknown }).audienceFilter).toEqual({ mediumTypes: ['tv'] });

    const bad = await call('POST', '/api/campaigns', { releaseId: release.id, listIds: [presse.id], filter: { tagsMode: 'some' } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { field: string }).field).toBe('filter.tagsMode');
    const both = await call('POST', '/api/campaigns', {
      releaseId: release.id,
      listIds: [presse.id],
      segmentId: segment.id,
      filter: { mediumTypes: ['tv'] },
    });
    expect(both.status).toBe(400);
    expect(((await both.json()) as { message: string }).message).toMatch(/pas les deux/);
    expect((await store.listCampaigns()).items).toHaveLength(2);
  });

  it('documents the routes in /api/openapi.json', async () => {
    const { app } = await setup();
    const doc = (await (await app.request('/api/openapi.json')).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/segments', '/segments/{id}', '/audience']));
  });
});
