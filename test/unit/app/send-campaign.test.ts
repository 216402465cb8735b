import { describe, expect, it } from 'vitest';
import { cancelCampaign, pauseCampaign, resumeCampaign } from '../../../functions/app/control-campaign';
import { handleSendMessage } from '../../../functions/app/handle-send-message';
import { launchCampaign } from '../../../functions/app/launch-campaign';
import { addSubscriberToList, createList } from '../../../functions/app/manage-audience';
import { createRelease, updateRelease } from '../../../functions/app/manage-releases';
import { snapshotAudience } from '../../../functions/app/snapshot-audience';
import { unsubscribeByToken } from '../../../functions/app/unsubscribe';
import type { Subscriber } from '../../../functions/domain/audience';
import { ConflictError, NotFoundError } from '../../../functions/domain/errors';
import { SendPacer } from '../../../functions/domain/send-pacer';
import { signToken } from '../../../functions/domain/tokens';
import { fakeDeps, testBrand } from '../../support/fakes';

/** A real SendPacer on virtual time: paces without waiting, and tells its rate. */
function virtualPacer(rate: number): SendPacer {
  let t = 0;
  return new SendPacer(
    rate,
    () => t,
    async (ms) => void (t += ms),
  );
}

async function world(overrides: Parameters<typeof fakeDeps>[0] = {}) {
  const ctx = fakeDeps(overrides);
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
    expect(anne?.headers.find((h) => h.name === 'List-Unsubscribe')?.value).toMatch(
      /^<https:\/\/communique\.example\.org\/unsubscribe\/[^>]+>$/,
    );
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
    await queue.enqueue([
      { type: 'launch', campaignId: campaign.id },
      { type: 'launch', campaignId: campaign.id },
    ]);
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
    // A refusal of this recipient only ("not verified" is the account's problem: it pauses the campaign, see account-level-refusals.test.ts).
    const rejected = Object.assign(new Error('Illegal address'), { name: 'MessageRejected' });
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
    await unsubscribeByToken(
      deps,
      signToken({ purpose: 'unsubscribe', subscriberId: subscriber?.id ?? '', campaignId: campaign.id }, deps.tokenKeys),
    );
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
    await expect(launchCampaign(deps, { releaseId: release.id, listIds: [presse.id, partenaires.id] })).rejects.toThrow(
      /Aucun destinataire.*1 non confirmé/,
    );
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
    // one recipient at a time (a pacer at 1/s, on virtual time), so the order of SES answers is known
    const { deps, store, mailer, queue, release, presse } = await world({ pacer: virtualPacer(1) });
    for (let n = 1; n <= 5; n++) await addSubscriberToList(deps, presse.id, { email: `p${n}@example.org` });
    const throttle = Object.assign(new Error('Maximum sending rate exceeded.'), {
      name: 'TooManyRequestsException',
      $metadata: { httpStatusCode: 429 },
    });
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
    const { deps, store, mailer, queue, clock, release, presse } = await world({ batchSize: 5 });
    for (let n = 1; n <= 8; n++) await addSubscriberToList(deps, presse.id, { email: `p${n}@example.org` });
    // the "crash": the group write recording the first batch's outcomes, after SES accepted its mails, fails once
    const settle = store.settleRecipients.bind(store);
    let lost: string[] = [];
    store.settleRecipients = async (c, settlements, at) => {
      if (lost.length === 0 && settlements.some((s) => s.outcome.status === 'sent')) {
        lost = settlements.map((s) => s.subscriberId);
        throw new Error('worker died after SES accepted the mails, before writing their outcomes');
      }
      return settle(c, settlements, at);
    };
    const { campaign } = await launchCampaign(deps, { releaseId: release.id, listIds: [presse.id] });
    await queue.drain();
    expect(mailer.sent).toHaveLength(8);
    expect(new Set(mailer.sent.map((m) => m.to)).size).toBe(8);
    // the whole group is left claimed: the window is one group of outcomes, not one recipient
    expect(lost).toHaveLength(5);
    const stuck = (await store.listRecipients(campaign.id, { status: 'sending' })).items;
    expect(stuck.map((r) => r.subscriberId).sort()).toEqual([...lost].sort());
    expect((await store.getCampaign(campaign.id))?.status).toBe('running');

    const sentMail = {
      findByRefs: async (refs: readonly string[]) =>
        new Map(
          refs.flatMap((ref) => mailer.sent.filter((m) => m.headers.some((h) => h.value === ref)).map((m) => [ref, m.messageId] as const)),
        ),
    };
    const { reconcileClaims } = await import('../../../functions/app/reconcile-claims');
    expect(await reconcileClaims({ ...deps, sentMail }, campaign.id, 60_000)).toEqual({ recovered: 0, requeued: 0 }); // claims this fresh are a live worker's
    clock.advance(11_000);
    expect(await reconcileClaims({ ...deps, sentMail }, campaign.id, 60_000)).toEqual({ recovered: 5, requeued: 0 });
    await queue.drain();
    expect(mailer.sent).toHaveLength(8);
    const done = await store.getCampaign(campaign.id);
    expect(done?.status).toBe('finished');
    expect(done?.counts).toEqual({ pending: 0, sending: 0, sent: 8, failed: 0, skipped: 0 });
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
    const sentMail = { findByRefs: async () => new Map<string, string>() };
    expect(await reconcileClaims({ ...deps, sentMail }, campaign.id, 60_000)).toEqual({ recovered: 0, requeued: 0 });
    clock.advance(61_000);
    expect(await reconcileClaims({ ...deps, sentMail }, campaign.id, 60_000)).toEqual({ recovered: 0, requeued: 1 });
    await queue.drain();
    expect(mailer.sent.map((m) => m.to)).toEqual(['lost@example.org']);
  });
});

describe('counts, batches and the ledger', () => {
  it('writes the campaign item a few times per batch, never once per recipient', async () => {
    const { deps, store, mailer, queue, release, presse } = await world({ batchSize: 10 });
    for (let n = 1; n <= 30; n++) await addSubscriberToList(deps, presse.id, { email: `p${n}@example.org` });

    const { campaign } = await launchCampaign(deps, { releaseId: release.id, listIds: [presse.id] });
    await queue.drain();

    expect(mailer.sent).toHaveLength(30);
    // per batch of 10: one write announcing the claims, one reporting the outcomes
    expect(store.countWrites).toBe(6);
    const done = await store.getCampaign(campaign.id);
    expect(done?.status).toBe('finished');
    expect(done?.counts).toEqual({ pending: 0, sending: 0, sent: 30, failed: 0, skipped: 0 });
  });

  it('finishes with the ledger’s counts when a worker died between settling and reporting (redelivery)', async () => {
    const { deps, store, mailer, queue, release, presse } = await world({ batchSize: 4 });
    for (let n = 1; n <= 8; n++) await addSubscriberToList(deps, presse.id, { email: `p${n}@example.org` });
    await addSubscriberToList(deps, presse.id, { email: 'parti@example.org' });
    // the report of each batch that sent fails once: its outcomes are in the ledger, not in the counters
    const addToCounts = store.addToCounts.bind(store);
    let lost = 0;
    store.addToCounts = async (id, delta, when) => {
      if (when === 'unfinished' && (delta.sent ?? 0) > 0 && lost < 2) {
        lost++;
        throw new Error('worker died before reporting its batch');
      }
      return addToCounts(id, delta, when);
    };

    const { campaign } = await launchCampaign(deps, { releaseId: release.id, listIds: [presse.id] });
    queue.messages.length = 0;
    await snapshotAudience(deps, campaign.id);
    const parti = (await store.listRecipients(campaign.id)).items.find((r) => r.email === 'parti@example.org');
    await store.setMembershipStatus(presse.id, parti?.subscriberId ?? '', 'unsubscribed', '2026-03-06T09:00:00Z');
    const { deadLetters } = await queue.drain();

    expect(lost).toBe(2);
    expect(deadLetters).toEqual([]);
    expect(mailer.sent).toHaveLength(8);
    const done = await store.getCampaign(campaign.id);
    expect(done?.status).toBe('finished');
    expect(done?.counts).toEqual({ pending: 0, sending: 0, sent: 8, failed: 0, skipped: 1 });
  });

  it('finishes with the ledger’s counts when the worker that sent the last mails died before reporting and its message is gone: the sweep', async () => {
    const { deps, store, mailer, queue, release, presse } = await world({ batchSize: 5 });
    for (let n = 1; n <= 10; n++) await addSubscriberToList(deps, presse.id, { email: `p${n}@example.org` });
    const addToCounts = store.addToCounts.bind(store);
    let reports = 0;
    store.addToCounts = async (id, delta, when) => {
      if (when === 'unfinished' && ++reports === 2) throw new Error('worker killed before reporting its batch');
      return addToCounts(id, delta, when);
    };

    const { campaign } = await launchCampaign(deps, { releaseId: release.id, listIds: [presse.id] });
    const { deadLetters } = await queue.drain(1); // and the message is not delivered again
    expect(deadLetters).toHaveLength(1);
    expect(mailer.sent).toHaveLength(10);
    const before = await store.getCampaign(campaign.id);
    expect(before?.status).toBe('running');
    expect(before?.counts).toMatchObject({ sent: 5, sending: 5 }); // the counters lag, but never show less progress than there is

    const { reconcileClaims } = await import('../../../functions/app/reconcile-claims');
    await reconcileClaims(deps, campaign.id, 60_000);
    const done = await store.getCampaign(campaign.id);
    expect(done?.status).toBe('finished');
    expect(done?.counts).toEqual({ pending: 0, sending: 0, sent: 10, failed: 0, skipped: 0 });
  });

  it('stops claiming within a second of a pause, lets the mails already handed to SES finish, and loses nobody', async () => {
    const { deps, store, mailer, queue, clock, release, presse } = await world({ batchSize: 40 });
    for (let n = 1; n <= 40; n++) await addSubscriberToList(deps, presse.id, { email: `p${n}@example.org` });
    const { campaign } = await launchCampaign(deps, { releaseId: release.id, listIds: [presse.id] });
    const send = mailer.send.bind(mailer);
    let paused = false;
    mailer.send = async (mail) => {
      const r = await send(mail);
      if (!paused && mailer.sent.length >= 5) {
        paused = true;
        await pauseCampaign(deps, campaign.id);
        clock.advance(1_500); // the worker's next status check is due
      }
      return r;
    };
    await queue.drain();

    const atPause = await store.getCampaign(campaign.id);
    expect(atPause?.status).toBe('paused');
    expect(mailer.sent.length).toBeGreaterThanOrEqual(5);
    expect(mailer.sent.length).toBeLessThanOrEqual(5 + 8 * 2); // the sends in flight when the pause was seen, at most
    expect(atPause?.counts).toMatchObject({ sending: 0, sent: mailer.sent.length, pending: 40 - mailer.sent.length });
    expect((await store.tallyLedger(campaign.id)).counts).toMatchObject({ sending: 0, sent: mailer.sent.length });

    await resumeCampaign(deps, campaign.id);
    await queue.drain();
    expect(mailer.sent).toHaveLength(40);
    expect(new Set(mailer.sent.map((m) => m.to)).size).toBe(40);
    expect((await store.getCampaign(campaign.id))?.status).toBe('finished');
  });

  it('claims and settles in group writes, never one recipient at a time', async () => {
    const { deps, store, mailer, queue, release, presse } = await world({ batchSize: 50 });
    for (let n = 1; n <= 100; n++) await addSubscriberToList(deps, presse.id, { email: `p${n}@example.org` });
    let single = 0;
    store.claimRecipient = async () => void single++ as never;
    store.settleRecipient = async () => void single++ as never;

    const { campaign } = await launchCampaign(deps, { releaseId: release.id, listIds: [presse.id] });
    await queue.drain();

    expect(mailer.sent).toHaveLength(100);
    expect(single).toBe(0);
    const claims = store.groupWrites.filter((w) => w.kind === 'claim');
    const settles = store.groupWrites.filter((w) => w.kind === 'settle');
    expect(claims.map((w) => w.ids.length)).toEqual([50, 50]); // one write per batch of 50
    expect(settles.length).toBeLessThanOrEqual(2 * 3); // every 25 outcomes (or 200 ms), and the rest at the end
    expect(settles.reduce((n, w) => n + w.ids.length, 0)).toBe(100);
    expect((await store.getCampaign(campaign.id))?.counts).toEqual({ pending: 0, sending: 0, sent: 100, failed: 0, skipped: 0 });
  });

  it('claims only the free recipients of a group when another worker took some, and sends nothing twice', async () => {
    const { deps, store, mailer, queue, clock, release, presse } = await world({ batchSize: 6 });
    for (let n = 1; n <= 6; n++) await addSubscriberToList(deps, presse.id, { email: `p${n}@example.org` });
    const { campaign } = await launchCampaign(deps, { releaseId: release.id, listIds: [presse.id] });
    queue.messages.length = 0;
    await snapshotAudience(deps, campaign.id);
    const [a, , c] = (await store.listRecipients(campaign.id)).items;
    const taken = [a?.subscriberId ?? '', c?.subscriberId ?? ''];
    const takenMails = (await store.listRecipients(campaign.id)).items.filter((r) => taken.includes(r.subscriberId)).map((r) => r.email);
    // another delivery of the batch claims two of them just before this worker's group claim
    // (its message carries the recipients: it reads the audience changes, then claims)
    const loadSendContextSince = store.loadSendContextSince.bind(store);
    store.loadSendContextSince = async (...args) => {
      const read = await loadSendContextSince(...args);
      for (const id of taken) expect(await store.claimRecipient(campaign.id, id, clock.now().toISOString())).toBe(true);
      return read;
    };

    await queue.drain();

    // the group claim was cancelled for those two, and made again without them
    const claims = store.groupWrites.filter((w) => w.kind === 'claim');
    expect(claims.map((w) => [w.ids.length, w.cancelled])).toEqual([
      [6, true],
      [4, false],
    ]);
    expect(mailer.sent).toHaveLength(4);
    expect(mailer.sent.map((m) => m.to)).not.toEqual(expect.arrayContaining([takenMails[0]]));
    expect(mailer.sent.map((m) => m.to)).not.toEqual(expect.arrayContaining([takenMails[1]]));
    expect((await store.tallyLedger(campaign.id)).counts).toMatchObject({ sent: 4, sending: 2, pending: 0 });
    // the other worker settles its two: the campaign finishes, exact
    expect(
      await store.settleRecipients(
        campaign.id,
        taken.map((id) => ({ subscriberId: id, outcome: { status: 'sent', messageId: `other-${id}` } })),
        clock.now().toISOString(),
      ),
    ).toEqual(new Set(taken));
    const { reconcileClaims } = await import('../../../functions/app/reconcile-claims');
    await reconcileClaims(deps, campaign.id, 60_000);
    const done = await store.getCampaign(campaign.id);
    expect(done?.status).toBe('finished');
    expect(done?.counts).toEqual({ pending: 0, sending: 0, sent: 6, failed: 0, skipped: 0 });
  });

  it('settles a group when a SES Send event settled one of it first, counting that one once', async () => {
    const { deps, store, mailer, queue, release, presse } = await world({ batchSize: 4 });
    for (let n = 1; n <= 4; n++) await addSubscriberToList(deps, presse.id, { email: `p${n}@example.org` });
    const { campaign } = await launchCampaign(deps, { releaseId: release.id, listIds: [presse.id] });
    // the Send event of the second mail arrives before the worker writes its group of outcomes
    const send = mailer.send.bind(mailer);
    let early = '';
    let calls = 0;
    mailer.send = async (mail) => {
      const r = await send(mail);
      if (++calls === 2) {
        early = mail.tags.recipient ?? '';
        expect(await store.settleIfSending(campaign.id, early, r.messageId, '2026-03-06T09:00:01Z')).toBe(true);
      }
      return r;
    };
    let sentCounted = 0;
    const addToCounts = store.addToCounts.bind(store);
    store.addToCounts = async (id, delta, when) => {
      const r = await addToCounts(id, delta, when);
      if (r) sentCounted += delta.sent ?? 0;
      return r;
    };

    await queue.drain();

    const settles = store.groupWrites.filter((w) => w.kind === 'settle');
    expect(settles.map((w) => [w.ids.length, w.cancelled])).toEqual([
      [4, true],
      [3, false],
    ]);
    expect(settles[1]?.ids).not.toContain(early);
    expect(mailer.sent).toHaveLength(4);
    expect(sentCounted).toBe(4); // 1 by the event, 3 by the worker: none twice
    expect((await store.getRecipient(campaign.id, early))?.messageId).toBe(mailer.sent.find((m) => m.tags.recipient === early)?.messageId);
    const done = await store.getCampaign(campaign.id);
    expect(done?.status).toBe('finished');
    expect(done?.counts).toEqual({ pending: 0, sending: 0, sent: 4, failed: 0, skipped: 0 });
  });

  it('reads the audience once at launch, and checks suppressions in batches', async () => {
    const { deps, store, mailer, queue, release, presse } = await world({ batchSize: 50 });
    const at = '2026-03-01T00:00:00Z';
    for (let n = 0; n < 2_500; n++) {
      const id = `m${n}`;
      await store.createSubscriber({ id, email: `m${n}@example.org`, tags: [], language: 'fr', createdAt: at, updatedAt: at });
      await store.putMembership({ listId: presse.id, subscriberId: id, email: `m${n}@example.org`, status: 'confirmed', updatedAt: at });
    }
    await store.suppress('m7@example.org', 'hard-bounce', at);
    let membersRead = 0;
    let suppressionReads = 0;
    const listMembers = store.listMembers.bind(store);
    store.listMembers = async (...args) => {
      const page = await listMembers(...args);
      membersRead += page.items.length;
      return page;
    };
    store.isSuppressed = async () => {
      suppressionReads++;
      return false;
    };

    const { campaign } = await launchCampaign(deps, { releaseId: release.id, listIds: [presse.id] });
    const launchRead = membersRead;
    await queue.drain();

    expect(launchRead).toBeLessThanOrEqual(1_000); // one page: enough to know somebody is reachable
    expect(membersRead - launchRead).toBe(2_500); // the snapshot: every member once
    expect(suppressionReads).toBe(0); // never one read per address
    expect(mailer.sent).toHaveLength(2_499);
    expect((await store.getCampaign(campaign.id))?.counts).toMatchObject({ sent: 2_499, pending: 0 });
  });

  it('keeps every list a person is confirmed on, so leaving one of them does not skip them', async () => {
    const { deps, store, mailer, queue, release, presse, partenaires } = await world();
    const { subscriber } = await addSubscriberToList(deps, presse.id, { email: 'deux@example.org' });
    await addSubscriberToList(deps, partenaires.id, { email: 'deux@example.org', status: 'confirmed' });
    await addSubscriberToList(deps, partenaires.id, { email: 'seul@example.org', status: 'confirmed' });
    const { campaign } = await launchCampaign(deps, { releaseId: release.id, listIds: [presse.id, partenaires.id] });
    queue.messages.length = 0;
    await snapshotAudience(deps, campaign.id);

    expect((await store.getRecipient(campaign.id, subscriber?.id ?? ''))?.listIds).toEqual([presse.id, partenaires.id]);
    await store.setMembershipStatus(presse.id, subscriber?.id ?? '', 'unsubscribed', '2026-03-06T09:00:00Z');
    await queue.drain();
    expect(mailer.sent.map((m) => m.to).sort()).toEqual(['deux@example.org', 'seul@example.org']);
  });
});

describe('the audience snapshot', () => {
  it('runs once at a time: a duplicated launch message writes and queues nothing while it runs', async () => {
    const { deps, store, mailer, queue, clock, release, presse } = await world();
    for (let n = 1; n <= 4; n++) await addSubscriberToList(deps, presse.id, { email: `p${n}@example.org` });
    const { campaign } = await launchCampaign(deps, { releaseId: release.id, listIds: [presse.id] });
    queue.messages.length = 0;
    // another worker holds the snapshot lease (it is writing, or it died a moment ago)
    expect(await store.acquireSnapshotLease(campaign.id, 'other-worker', clock.now().getTime(), 120_000)).toEqual({
      acquired: true,
      firstAttempt: true,
    });

    await snapshotAudience(deps, campaign.id);
    expect(queue.messages).toEqual([]);
    expect(await store.countRecipients(campaign.id)).toBe(0);
    const { reconcileClaims } = await import('../../../functions/app/reconcile-claims');
    await reconcileClaims(deps, campaign.id, 60_000); // the sweep leaves a live lease alone
    expect(queue.messages).toEqual([]);

    // the holder died: once its lease has expired, the sweep takes the snapshot over
    clock.advance(121_000);
    await reconcileClaims(deps, campaign.id, 60_000);
    expect((await store.getCampaign(campaign.id))?.total).toBe(4);
    await queue.drain();
    expect(mailer.sent).toHaveLength(4);
    expect((await store.getCampaign(campaign.id))?.status).toBe('finished');
  });

  it('taken over after a holder died mid-way, leaves alone whoever it had already written and sent', async () => {
    const { deps, store, mailer, queue, clock, release, presse } = await world();
    const subs: (Subscriber | undefined)[] = [];
    for (let n = 1; n <= 5; n++) subs.push((await addSubscriberToList(deps, presse.id, { email: `p${n}@example.org` })).subscriber);
    const { campaign } = await launchCampaign(deps, { releaseId: release.id, listIds: [presse.id] });
    queue.messages.length = 0;
    // the first holder wrote two entries and queued them; a worker announced its claims, sent to
    // the first one and died (not reporting), then the holder died
    const at = clock.now().toISOString();
    await store.acquireSnapshotLease(campaign.id, 'dead', clock.now().getTime(), 120_000);
    const entry = (i: number) => ({
      campaignId: campaign.id,
      subscriberId: subs[i]?.id ?? '',
      email: subs[i]?.email ?? '',
      listIds: [presse.id],
      status: 'pending' as const,
      updatedAt: at,
    });
    await store.addRecipients(campaign.id, [entry(0), entry(1)], 'new');
    await store.addToCounts(campaign.id, { sending: 2 }, 'running');
    await store.claimRecipient(campaign.id, subs[0]?.id ?? '', at);
    await store.settleRecipient(campaign.id, subs[0]?.id ?? '', { status: 'sent', messageId: 'earlier' }, at);
    clock.advance(121_000);

    await snapshotAudience(deps, campaign.id);
    await queue.drain();

    expect((await store.getRecipient(campaign.id, subs[0]?.id ?? ''))?.messageId).toBe('earlier');
    expect(mailer.sent.map((m) => m.to).sort()).toEqual(['p2@example.org', 'p3@example.org', 'p4@example.org', 'p5@example.org']);
    const done = await store.getCampaign(campaign.id);
    expect(done?.status).toBe('finished');
    expect(done?.counts).toEqual({ pending: 0, sending: 0, sent: 5, failed: 0, skipped: 0 });
  });
});
