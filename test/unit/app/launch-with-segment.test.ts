import { describe, expect, it } from 'vitest';
import { IdempotencyKeyReusedError, launchCampaign } from '../../../functions/app/launch-campaign';
import { addSubscriberToList, createList } from '../../../functions/app/manage-audience';
import { createRelease } from '../../../functions/app/manage-releases';
import { createSegment, deleteSegment, updateSegment } from '../../../functions/app/manage-segments';
import { bootstrapAdmin } from '../../../functions/domain/actor';
import { NotFoundError } from '../../../functions/domain/errors';
import { fakeDeps, testBrand } from '../../support/fakes';

async function world() {
  const ctx = fakeDeps();
  const { deps, store } = ctx;
  await store.putBrand(testBrand);
  const release = await createRelease(deps, { brandId: 'cd41', title: 'Festival', body: 'Texte.' });
  const presse = await createList(deps, { name: 'Presse', kind: 'press', optIn: 'single' });
  await addSubscriberToList(deps, presse.id, { email: 'radio@exemple.fr', profile: { mediumType: 'radio' } });
  await addSubscriberToList(deps, presse.id, { email: 'tele@exemple.fr', profile: { mediumType: 'tv' } });
  const radios = await createSegment(deps, bootstrapAdmin, { name: 'Radios', filter: { mediumTypes: ['radio'] } });
  return { ...ctx, release, presse, radios };
}

describe('launching with a segment and an idempotency key', () => {
  it('a retry with the same key and segment answers the same campaign, even after the segment was edited or deleted', async () => {
    const { deps, release, presse, radios } = await world();
    const request = { releaseId: release.id, listIds: [presse.id], segmentId: radios.id, idempotencyKey: 'cle-segment-001' };
    const first = await launchCampaign(deps, request);
    await updateSegment(deps, bootstrapAdmin, radios.id, { name: 'Radios et télés', filter: { mediumTypes: ['radio', 'tv'] } });
    const afterEdit = await launchCampaign(deps, request);
    await deleteSegment(deps, bootstrapAdmin, radios.id);
    const afterDelete = await launchCampaign(deps, request);

    expect(first.created).toBe(true);
    expect(afterEdit).toMatchObject({ created: false, campaign: { id: first.campaign.id, audienceFilter: { mediumTypes: ['radio'] } } });
    expect(afterDelete.campaign.id).toBe(first.campaign.id);
  });

  it('refuses the key reused for another segment or another filter, and an unknown segment', async () => {
    const { deps, release, presse, radios } = await world();
    const teles = await createSegment(deps, bootstrapAdmin, { name: 'Télés', filter: { mediumTypes: ['tv'] } });
    await launchCampaign(deps, { releaseId: release.id, listIds: [presse.id], segmentId: radios.id, idempotencyKey: 'cle-segment-002' });
    await launchCampaign(deps, {
      releaseId: release.id,
      listIds: [presse.id],
      filter: { mediumTypes: ['tv'] },
      idempotencyKey: 'cle-filtre-003',
    });

    const same = { releaseId: release.id, listIds: [presse.id] };
    await expect(launchCampaign(deps, { ...same, segmentId: teles.id, idempotencyKey: 'cle-segment-002' })).rejects.toThrow(
      IdempotencyKeyReusedError,
    );
    await expect(launchCampaign(deps, { ...same, idempotencyKey: 'cle-segment-002' })).rejects.toThrow(IdempotencyKeyReusedError);
    await expect(launchCampaign(deps, { ...same, filter: { mediumTypes: ['radio'] }, idempotencyKey: 'cle-filtre-003' })).rejects.toThrow(
      IdempotencyKeyReusedError,
    );
    await expect(
      launchCampaign(deps, { ...same, filter: { mediumTypes: ['tv'] }, idempotencyKey: 'cle-filtre-003' }),
    ).resolves.toMatchObject({ created: false });
    await expect(launchCampaign(deps, { ...same, segmentId: 'inconnu' })).rejects.toThrow(NotFoundError);
  });
});
