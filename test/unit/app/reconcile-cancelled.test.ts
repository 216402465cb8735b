import { describe, expect, it } from 'vitest';
import { cancelCampaign } from '../../../functions/app/control-campaign';
import { launchCampaign } from '../../../functions/app/launch-campaign';
import { addSubscriberToList, createList } from '../../../functions/app/manage-audience';
import { createRelease } from '../../../functions/app/manage-releases';
import { sweepCampaigns } from '../../../functions/app/schedule-campaign';
import { snapshotAudience } from '../../../functions/app/snapshot-audience';
import { recipientRef } from '../../../functions/domain/campaign';
import { fakeDeps, testBrand } from '../../support/fakes';

/** A campaign cancelled after a worker died mid-batch: one claim SES accepted, one it never saw. */
async function cancelledAfterACrash() {
  const ctx = fakeDeps();
  const { deps, store, queue, clock } = ctx;
  await store.putBrand(testBrand);
  const release = await createRelease(deps, { brandId: 'cd41', title: 'Festival du travail social' });
  const presse = await createList(deps, { name: 'Presse', kind: 'press', optIn: 'single' });
  for (const n of [1, 2, 3, 4]) await addSubscriberToList(deps, presse.id, { email: `p${n}@example.org` });
  const { campaign } = await launchCampaign(deps, { releaseId: release.id, listIds: [presse.id] });
  queue.messages.length = 0;
  await snapshotAudience(deps, campaign.id);
  queue.messages.length = 0; // the worker died: only its claims remain, announced on the counters
  const [accepted, lost] = (await store.listRecipients(campaign.id)).items;
  const at = clock.now().toISOString();
  for (const r of [accepted, lost]) await store.claimRecipient(campaign.id, r?.subscriberId ?? '', at);
  await store.addToCounts(campaign.id, { sending: 2 }, 'running');
  await cancelCampaign(deps, campaign.id);
  const outbox = new Map([[recipientRef(campaign.id, accepted?.subscriberId ?? ''), 'ses-message-1']]);
  const sentDeps = {
    ...deps,
    sentMail: { findByRefs: async (refs: readonly string[]) => new Map([...outbox].filter(([ref]) => refs.includes(ref))) },
  };
  return { ...ctx, deps: sentDeps, campaign, accepted, lost };
}

describe('a cancelled campaign left with claims by a dead worker', () => {
  it('is settled by the sweep from the ledger, sends nothing again, and its counts become exact and final', async () => {
    const { deps, store, queue, clock, mailer, campaign, accepted, lost } = await cancelledAfterACrash();

    await sweepCampaigns(deps, { staleClaimMs: 60_000 }); // claims this fresh could be a live worker's
    expect((await store.getCampaign(campaign.id))?.countsFinalAt).toBeUndefined();
    clock.advance(61_000);
    await sweepCampaigns(deps, { staleClaimMs: 60_000 });

    expect(await store.getRecipient(campaign.id, accepted?.subscriberId ?? '')).toMatchObject({
      status: 'sent',
      messageId: 'ses-message-1',
    });
    expect(await store.getRecipient(campaign.id, lost?.subscriberId ?? '')).toMatchObject({
      status: 'pending',
      error: 'non envoyé : campagne annulée',
    });
    expect(queue.messages).toEqual([]);
    expect(mailer.sent).toEqual([]);
    const closed = await store.getCampaign(campaign.id);
    expect(closed).toMatchObject({ status: 'cancelled', countsFinalAt: clock.now().toISOString() });
    expect(closed?.counts).toEqual({ pending: 3, sending: 0, sent: 1, failed: 0, skipped: 0 });
  });

  it('keeps final counts final: a late report is refused, and the sweep leaves the campaign alone', async () => {
    const { deps, store, clock, campaign } = await cancelledAfterACrash();
    clock.advance(61_000);
    await sweepCampaigns(deps, { staleClaimMs: 60_000 });
    const closed = await store.getCampaign(campaign.id);

    expect(await store.addToCounts(campaign.id, { sending: -1, sent: 1 }, 'unfinished')).toBeUndefined();
    const reads = { n: 0 };
    const tally = store.tallyLedger.bind(store);
    store.tallyLedger = async (id) => (reads.n++, tally(id));
    await sweepCampaigns(deps, { staleClaimMs: 60_000 });

    expect((await store.getCampaign(campaign.id))?.counts).toEqual(closed?.counts);
    expect(reads.n).toBe(0);
  });
});
