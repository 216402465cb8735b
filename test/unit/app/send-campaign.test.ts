import { describe, expect, it } from 'vitest';
import { cancelCampaign, pauseCampaign, resumeCampaign } from '../../../functions/app/control-campaign';
import { handleSendMessage } from '../../../functions/app/handle-send-message';
import { launchCampaign } from '../../../functions/app/launch-campaign';
import { addSubscriberToList, createList } from '../../../functions/app/manage-audience';
import { createRelease, updateRelease } from '../../../functions/app/manage-releases';
import { snapshotAudience } from '../../../functions/app/snapshot-audience';
import { unsubscribeByToken } from '../../../functions/app/unsubscribe';
import { ConflictError, NotFoundError } from '../../../functions/domain/errors';
import { signToken } from '../../../functions/domain/tokens';
import { fakeDeps, testBrand } from '../../support/fakes';

async function world() {
  const ctx = fakeDeps();
  const { deps, store } = ctx;
  await store.putBrand(testBrand);
  const release = await createRelease(deps, { brandId: 'cd41', title: 'Festival du travail social', body: 'Texte.' });
  const presse = await createList(deps, { name: 'Presse', kind: 'press', optIn: 'single' });
  const partenaires = await createList(deps, { name: 'Partenaires', kind: 'partners', optIn: 'double' });
  return { ...ctx, release, presse, partenaires };
}

describe('sending a release to lists', () => {
  it('sends once to each confirmed, unsuppressed member, merging duplicates across lists', async () => {
    // prepare
    const { deps, store, mailer, queue, release, presse, partenaires } = await world();
    await addSubscriberToList(deps, presse.id, { email: 'Anne@Example.org', profile: { name: 'Anne' } });
    await addSubscriberToList(deps, partenaires.id, { email: 'anne@example.org', status: 'confirmed' });
    await addSubscriberToList(deps, presse.id, { email: 'bruno@example.org' });
    await addSubscriberToList(deps, partenaires.id, { email: 'pending@example.org' }); // double opt-in: unconfirmed
    await addSubscriberToList(deps, presse.id, { email: 'gone@example.org' });
    await store.suppress('gone@example.org', 'bounce', '2026-01-01T00:00:00Z');

    // act
    const { campaign } = await launchCampaign(deps, { releaseId: release.id, listIds: [presse.id, partenaires.id] });
    await queue.drain();

    // assess
    expect(mailer.sent.map((m) => m.to).sort()).toEqual(['anne@example.org', 'bruno@example.org']);
    const anne = mailer.sent.find((m) => m.to === 'anne@example.org');
    expect(anne?.html).toContain('Bonjour Anne');
    expect(anne?.headers).toContainEqual({ name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' });
    expect(anne?.headers.find((h) => h.name === 'List-Unsubscribe')?.value).toMatch(/^<https:\/\/communique\.example\.org\/unsubscribe\/[^>]+>$/);
    expect(anne?.tags).toEqual({ campaign: campaign.id, recipient: expect.any(String) });
    const done = await store.getCampaign(campaign.id);
    expect(done?.status).toBe('finished');
    expect(done?.total).toBe(2);
    expect(done?.counts).toEqual({ pending: 0, sending: 0, sent: 2, failed: 0, skipped: 0 });
    expect((await store.getRelease(release.id))?.status).toBe('sent');
  });

  it('sends nothing twice when queue messages are duplicated or redelivered', async () => {
    const { deps, store, mailer, queue, release, presse } = await world();
    for (const n of [1, 2, 3, 4, 5, 6, 7]) await addSubscriberToList(deps, presse.id, { email: `p${n}@example.org` });

    const { campaign } = await launchCampaign(deps, { releaseId: release.id, listIds: [presse.id] });
    // the launch message delivered three times, and every send batch duplicated
    await queue.enqueue([{ type: 'launch', campaignId: campaign.id }, { type: 'launch', campaignId: campaign.id }]);
    await queue.drain();
    await queue.enqueue(queue.delivered.filter((m) => m.type === 'send'));
    await queue.drain();

    expect(mailer.sent).toHaveLength(7);
    expect(new Set(mailer.sent.map((m) => m.to)).size).toBe(7);
    expect((await store.getCampaign(campaign.id))?.counts.sent).toBe(7);
  });

  it('retries a transient SES failure and records a permanent one as failed with its reason', async () => {
    const { deps, store, mailer, queue, release, presse } = await world();
    for (const n of [1, 2, 3]) await addSubscriberToList(deps, presse.id, { email: `p${n}@example.org` });
    const throttled = Object.assign(new Error('Maximum sending rate exceeded'), { name: 'TooManyRequestsException' });
    const rejected = Object.assign(new Error('Email address is not verified'), { name: 'MessageRejected' });
    mailer.failures.push(throttled, rejected);

    const { campaign } = await launchCampaign(deps, { releaseId: release.id, listIds: [presse.id] });
    const { deadLetters } = await queue.drain();

    expect(deadLetters).toEqual([]);
    const c = await store.getCampaign(campaign.id);
    expect(c?.counts).toMatchObject({ sent: 2, failed: 1, pending: 0, sending: 0 });
    expect(c?.status).toBe('finished');
    const failed = (await store.listRecipients(campaign.id, { status: 'failed' })).items;
    expect(failed[0]?.error).toContain('MessageRejected');
  });

  it('skips a recipient who unsubscribed after the snapshot', async () => {
    const { deps, store, mailer, queue, release, presse } = await world();
    const { subscriber } = await addSubscriberToList(deps, presse.id, { email: 'leaving@example.org' });
    await addSubscriberToList(deps, presse.id, { email: 'staying@example.org' });

    const { campaign } = await launchCampaign(deps, { releaseId: release.id, listIds: [presse.id] });
    queue.messages.length = 0; // the launch message, run by hand below
    await snapshotAudience(deps, campaign.id);
    await unsubscribeByToken(deps, signToken({ purpose: 'unsubscribe', subscriberId: subscriber?.id ?? '', campaignId: campaign.id }, deps.tokenKeys));
    await queue.drain();

    expect(mailer.sent.map((m) => m.to)).toEqual(['staying@example.org']);
    expect((await store.getCampaign(campaign.id))?.counts).toMatchObject({ sent: 1, skipped: 1 });
  });

  it('returns the same campaign for the same idempotency key and sends once', async () => {
    const { deps, mailer, queue, release, presse } = await world();
    await addSubscriberToList(deps, presse.id, { email: 'once@example.org' });

    const first = await launchCampaign(deps, { releaseId: release.id, listIds: [presse.id], idempotencyKey: 'press-2026-03-06' });
    const second = await launchCampaign(deps, { releaseId: release.id, listIds: [presse.id], idempotencyKey: 'press-2026-03-06' });
    await queue.drain();

    expect(second.campaign.id).toBe(first.campaign.id);
    expect([first.created, second.created]).toEqual([true, false]);
    expect(mailer.sent).toHaveLength(1);
  });

  it('refuses unknown lists and releases, an empty audience, and editing a sent release', async () => {
    const { deps, mailer, release, presse, partenaires } = await world();
    await addSubscriberToList(deps, partenaires.id, { email: 'pas-confirme@example.org' }); // double opt-in: unconfirmed
    await expect(launchCampaign(deps, { releaseId: release.id, listIds: [presse.id, partenaires.id] })).rejects.toThrow(/Aucun destinataire.*1 non confirmé/);
    expect(mailer.sent).toEqual([]);
    await addSubscriberToList(deps, presse.id, { email: 'lecteur@example.org' });
    await expect(launchCampaign(deps, { releaseId: release.id, listIds: ['nope'] })).rejects.toBeInstanceOf(NotFoundError);
    await expect(launchCampaign(deps, { releaseId: 'nope', listIds: [presse.id] })).rejects.toBeInstanceOf(NotFoundError);
    await launchCampaign(deps, { releaseId: release.id, listIds: [presse.id] });
    await expect(updateRelease(deps, release.id, { brandId: 'cd41', title: 'Autre' })).rejects.toBeInstanceOf(ConflictError);
  });
});

describe('pause, resume, cancel', () => {
  it('pauses mid-campaign without losing or repeating anyone, then resumes to the end', async () => {
    const { deps, store, mailer, queue, release, presse } = await world();
    for (let n = 1; n <= 9; n++) await addSubscriberToList(deps, presse.id, { email: `p${n}@example.org` });
    const { campaign } = await launchCampaign(deps, { releaseId: release.id, listIds: [presse.id] });
    queue.messages.length = 0;
    await snapshotAudience(deps, campaign.id); // queues 3 batches of 3
    const [firstBatch] = queue.messages.splice(0, 1);
    if (firstBatch) await handleSendMessage(deps, firstBatch);

    await pauseCampaign(deps, campaign.id);
    await queue.drain(); // the two remaining batches arrive while paused: nothing sent
    expect(mailer.sent).toHaveLength(3);
    expect((await store.getCampaign(campaign.id))?.counts).toMatchObject({ sent: 3, pending: 6 });
    await expect(pauseCampaign(deps, campaign.id)).rejects.toThrow(/en pause/);

    await resumeCampaign(deps, campaign.id);
    await queue.drain();
    expect(mailer.sent).toHaveLength(9);
    expect(new Set(mailer.sent.map((m) => m.to)).size).toBe(9);
    expect((await store.getCampaign(campaign.id))?.status).toBe('finished');
    await expect(cancelCampaign(deps, campaign.id)).rejects.toThrow(/terminée/);
  });

  it('cancels: pending recipients are never sent', async () => {
    const { deps, mailer, queue, release, presse } = await world();
    for (let n = 1; n <= 4; n++) await addSubscriberToList(deps, presse.id, { email: `p${n}@example.org` });
    const { campaign } = await launchCampaign(deps, { releaseId: release.id, listIds: [presse.id] });
    await cancelCampaign(deps, campaign.id);
    await queue.drain();
    expect(mailer.sent).toHaveLength(0);
    await expect(resumeCampaign(deps, campaign.id)).rejects.toBeInstanceOf(ConflictError);
  });
});

describe('when SES misbehaves', () => {
  it('retries a throttle in place, and pauses the campaign with a reason when SES stops sending', async () => {
    const { deps, store, mailer, queue, release, presse } = await world();
    for (let n = 1; n <= 5; n++) await addSubscriberToList(deps, presse.id, { email: `p${n}@example.org` });
    const throttle = Object.assign(new Error('Maximum sending rate exceeded.'), { name: 'TooManyRequestsException', $metadata: { httpStatusCode: 429 } });
    const paused = Object.assign(new Error('Sending is paused for this account.'), { name: 'SendingPausedException' });
    mailer.failures.push(throttle, throttle, undefined, paused);

    const { campaign } = await launchCampaign(deps, { releaseId: release.id, listIds: [presse.id] });
    await queue.drain();

    const c = await store.getCampaign(campaign.id);
    expect(c?.status).toBe('paused');
    expect(c?.statusReason).toContain('SendingPausedException');
    expect(c?.counts).toMatchObject({ sent: 1, pending: 4, sending: 0 }); // two throttles retried in place, then sent; the next hits the pause
    await resumeCampaign(deps, campaign.id);
    await queue.drain();
    expect((await store.getCampaign(campaign.id))?.status).toBe('finished');
    expect((await store.getCampaign(campaign.id))?.statusReason).toBeUndefined();
    expect(new Set(mailer.sent.map((m) => m.to)).size).toBe(5);
    expect(mailer.sent).toHaveLength(5);
  });

  it('never resends a mail SES accepted when recording it failed; reconciliation settles it from the outbox', async () => {
    const { deps, store, mailer, queue, release, presse } = await world();
    for (let n = 1; n <= 3; n++) await addSubscriberToList(deps, presse.id, { email: `p${n}@example.org` });
    // the "crash": the ledger write after SES accepted the first mail fails once
    const settle = store.settleRecipient.bind(store);
    let crashed = false;
    store.settleRecipient = async (c, s, outcome, at) => {
      if (!crashed && outcome.status === 'sent') {
        crashed = true;
        throw new Error('worker died after SES accepted the mail');
      }
      return settle(c, s, outcome, at);
    };
    const { campaign } = await launchCampaign(deps, { releaseId: release.id, listIds: [presse.id] });
    await queue.drain();
    expect(mailer.sent).toHaveLength(3);
    const stuck = (await store.listRecipients(campaign.id, { status: 'sending' })).items;
    expect(stuck).toHaveLength(1);
    expect((await store.getCampaign(campaign.id))?.status).toBe('running');

    const sentMail = { findByRef: async (ref: string) => mailer.sent.find((m) => m.headers.some((h) => h.value === ref))?.messageId };
    const { reconcileClaims } = await import('../../../functions/app/reconcile-claims');
    expect(await reconcileClaims({ ...deps, sentMail }, campaign.id, 60_000)).toEqual({ recovered: 1, requeued: 0 });
    await queue.drain();
    expect(mailer.sent).toHaveLength(3);
    expect((await store.getCampaign(campaign.id))?.status).toBe('finished');
  });

  it('requeues a stale claim SES never accepted', async () => {
    const { deps, store, mailer, queue, clock, release, presse } = await world();
    await addSubscriberToList(deps, presse.id, { email: 'lost@example.org' });
    const { campaign } = await launchCampaign(deps, { releaseId: release.id, listIds: [presse.id] });
    queue.messages.length = 0;
    await snapshotAudience(deps, campaign.id);
    queue.messages.length = 0; // the worker "died" before sending: only the claim remains
    const [r] = (await store.listRecipients(campaign.id)).items;
    await store.claimRecipient(campaign.id, r?.subscriberId ?? '', clock.now().toISOString());

    const { reconcileClaims } = await import('../../../functions/app/reconcile-claims');
    const sentMail = { findByRef: async () => undefined };
    expect(await reconcileClaims({ ...deps, sentMail }, campaign.id, 60_000)).toEqual({ recovered: 0, requeued: 0 });
    clock.advance(61_000);
    expect(await reconcileClaims({ ...deps, sentMail }, campaign.id, 60_000)).toEqual({ recovered: 0, requeued: 1 });
    await queue.drain();
    expect(mailer.sent.map((m) => m.to)).toEqual(['lost@example.org']);
  });
});
