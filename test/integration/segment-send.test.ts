import { describe, expect, it } from 'vitest';
import { DynamoStore } from '../../functions/adapters/dynamodb/dynamo-store';
import { estimateAudience } from '../../functions/app/estimate-audience';
import { launchCampaign } from '../../functions/app/launch-campaign';
import { addSubscriberToList, createList } from '../../functions/app/manage-audience';
import { createRelease } from '../../functions/app/manage-releases';
import { createSegment, updateSegment } from '../../functions/app/manage-segments';
import { bootstrapAdmin } from '../../functions/domain/actor';
import type { Segment } from '../../functions/domain/segment';
import type { Store } from '../../functions/ports';
import { buildStoreAndMailer } from '../../functions/worker-wiring';
import { freshTable, localConfigFor, outboxFor, uniqueDomain } from '../support/emulator-context';
import { fakeDeps, testBrand } from '../support/fakes';
import { InMemoryStore } from '../support/in-memory-store';

const stores: [string, () => Promise<Store>][] = [
  ['InMemoryStore', async () => new InMemoryStore()],
  [
    'DynamoStore on DynamoDB Local',
    async () => {
      const { client, tableName } = await freshTable('segments');
      return new DynamoStore(client, tableName);
    },
  ],
];

const segment = (id: string, name: string, extra: Partial<Segment> = {}): Segment => ({
  id,
  name,
  filter: { mediumTypes: ['radio'], departments: ['41'], tags: ['social', 'culture'], tagsMode: 'all', outletContains: 'République' },
  createdAt: '2026-03-01T09:00:00.000Z',
  updatedAt: '2026-03-01T09:00:00.000Z',
  createdBy: 'Administrateur',
  ...extra,
});

describe.each(stores)('segment storage (%s)', (_, make) => {
  it('stores a segment with its whole filter, lists by name, replaces and deletes', async () => {
    const store = await make();
    await store.putSegment(segment('s-2', 'radios du 41'));
    await store.putSegment(segment('s-1', 'Presse écrite', { filter: { mediumTypes: ['print'] } }));

    expect(await store.getSegment('s-2')).toEqual(segment('s-2', 'radios du 41'));
    expect((await store.listSegments()).map((s) => s.id)).toEqual(['s-1', 's-2']);

    await store.putSegment(segment('s-2', 'Radios du Loir-et-Cher', { filter: { language: 'fr' } }));
    expect(await store.getSegment('s-2')).toMatchObject({ name: 'Radios du Loir-et-Cher', filter: { language: 'fr' } });
    expect((await store.getSegment('s-2'))?.filter).toEqual({ language: 'fr' });
    expect(await store.listSegments()).toHaveLength(2);

    await store.deleteSegment('s-1');
    expect(await store.getSegment('s-1')).toBeUndefined();
    expect((await store.listSegments()).map((s) => s.id)).toEqual(['s-2']);
    expect(await store.getSegment('nope')).toBeUndefined();
  });
});

describe('a campaign sent to a segment, on DynamoDB Local and the SES emulator', () => {
  async function world() {
    const { tableName } = await freshTable('segsend');
    const { store, mailer } = buildStoreAndMailer(localConfigFor(tableName));
    const ctx = fakeDeps({ store, mailer, batchSize: 2 });
    const { deps } = ctx;
    await store.putBrand(testBrand);
    const release = await createRelease(deps, { brandId: 'cd41', title: 'Festival du travail social', body: 'Texte.' });
    const presse = await createList(deps, { name: 'Presse', kind: 'press', optIn: 'single' });
    const partenaires = await createList(deps, { name: 'Partenaires', kind: 'partners', optIn: 'single' });
    const domain = uniqueDomain();
    const add = (listId: string, local: string, profile: Record<string, unknown>, status?: 'confirmed' | 'unconfirmed') =>
      addSubscriberToList(deps, listId, { email: `${local}@${domain}`, profile, ...(status ? { status } : {}) });
    const outbox = async () => (await outboxFor(domain)).map((m) => m.destination.to[0]?.split('@')[0]).sort();
    return { ...ctx, store, deps, release, presse, partenaires, add, outbox, domain };
  }

  it('sends only to confirmed members matching the segment, frozen at launch, each once across lists', async () => {
    const { deps, store, queue, release, presse, partenaires, add, outbox, domain } = await world();
    const social = { mediumType: 'radio', department: '41', tags: ['Social'] };
    await add(presse.id, 'radio41', social);
    await add(partenaires.id, 'radio41', social); // on both lists: one mail
    await add(presse.id, 'radio37', { ...social, department: '37' });
    await add(presse.id, 'print41', { ...social, mediumType: 'print' });
    await add(presse.id, 'radio41sport', { ...social, tags: ['sport'] });
    await add(presse.id, 'waiting', social, 'unconfirmed');
    await add(partenaires.id, 'blocked', social);
    await store.suppress(`blocked@${domain}`, 'complaint', '2026-03-01T00:00:00.000Z');
    await add(partenaires.id, 'tvsocial', { mediumType: 'tv', department: '41', tags: ['social', 'culture'] });
    const seg = await createSegment(deps, bootstrapAdmin, {
      name: 'Radios et télés du 41, social',
      filter: { mediumTypes: ['radio', 'tv'], departments: ['41'], tags: ['SOCIAL', 'santé'], tagsMode: 'any' },
    });

    const estimate = await estimateAudience(deps, [presse.id, partenaires.id], seg.filter);
    expect(estimate).toEqual({ recipients: 2, suppressed: 1, notConfirmed: 1, outsideSegment: 3 });

    const { campaign } = await launchCampaign(deps, { releaseId: release.id, listIds: [presse.id, partenaires.id], segmentId: seg.id });
    expect(campaign.segment).toEqual({ id: seg.id, name: seg.name });
    // Edited after launch: the campaign keeps the filter it froze.
    await updateSegment(deps, bootstrapAdmin, seg.id, { name: seg.name, filter: { mediumTypes: ['print'] } });
    await queue.drain();

    expect(await outbox()).toEqual(['radio41', 'tvsocial']);
    const done = await store.getCampaign(campaign.id);
    expect(done?.status).toBe('finished');
    expect(done?.total).toBe(2);
    expect(done?.audienceFilter).toEqual(seg.filter);
    const radio = (await store.listRecipients(campaign.id)).items.find((r) => r.email.startsWith('radio41@'));
    expect([...(radio?.listIds ?? [])].sort()).toEqual([presse.id, partenaires.id].sort());
  });

  it('takes an inline filter, and refuses a launch nobody in the segment would receive', async () => {
    const { deps, queue, release, presse, add, outbox } = await world();
    await add(presse.id, 'nr', { outlet: 'La Nouvelle République du Centre-Ouest' });
    await add(presse.id, 'of', { outlet: 'Ouest-France' });

    await expect(
      launchCampaign(deps, { releaseId: release.id, listIds: [presse.id], filter: { outletContains: 'Le Monde' } }),
    ).rejects.toThrow(/ne correspond au segment \(2 hors segment/);
    await launchCampaign(deps, { releaseId: release.id, listIds: [presse.id], filter: { outletContains: 'nouvelle republique' } });
    await queue.drain();

    expect(await outbox()).toEqual(['nr']);
  });
});
