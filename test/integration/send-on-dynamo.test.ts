import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { cancelCampaign, pauseCampaign, resumeCampaign } from '../../functions/app/control-campaign';
import { handleSendMessage } from '../../functions/app/handle-send-message';
import { launchCampaign } from '../../functions/app/launch-campaign';
import { addSubscriberToList, createList } from '../../functions/app/manage-audience';
import { createRelease } from '../../functions/app/manage-releases';
import { snapshotAudience } from '../../functions/app/snapshot-audience';
import { unsubscribeByToken } from '../../functions/app/unsubscribe';
import { ConflictError } from '../../functions/domain/errors';
import { signToken } from '../../functions/domain/tokens';
import { buildStoreAndMailer } from '../../functions/worker-wiring';
import { freshTable, localConfigFor, outboxFor, uniqueDomain } from '../support/emulator-context';
import { fakeDeps, testBrand } from '../support/fakes';

/**
 * The send path on the real store and mailer (DynamoDB Local, SES emulator): the cases
 * test/unit/app/send-campaign.test.ts checks on the in-memory fake, where they matter most.
 * The queue is the tests' manual queue, so each step can be run by hand.
 */
async function world(batchSize = 3) {
  const { tableName } = await freshTable('send');
  const { dynamo, store, mailer } = buildStoreAndMailer(localConfigFor(tableName));
  const ctx = fakeDeps({ store, mailer, batchSize });
  const { deps } = ctx;
  await store.putBrand(testBrand);
  const release = await createRelease(deps, { brandId: 'cd41', title: 'Festival du travail social', body: 'Texte.' });
  const presse = await createList(deps, { name: 'Presse', kind: 'press', optIn: 'single' });
  const domain = uniqueDomain();
  const add = (local: string) => addSubscriberToList(deps, presse.id, { email: `${local}@${domain}` });
  const outbox = async () => (await outboxFor(domain)).map((m) => m.destination.to[0]?.split('@')[0]).sort();
  // fakeDeps hands back its own in-memory store: the one in deps is DynamoStore
  return { ...ctx, store, mailer, dynamo, release, presse, add, outbox, domain };
}

/** Counts the SDK commands the store sends, by what they write (a middleware on the DynamoDB client). */
function countCommands(client: DynamoDBClient) {
  const seen = { claimTransactions: [] as number[], settleTransactions: [] as number[], singleLedgerWrites: 0, counterWrites: 0 };
  const str = (v: unknown): string => (typeof v === 'string' ? v : String((v as { S?: string } | undefined)?.S ?? ''));
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = (context as { commandName?: string }).commandName;
      const input = args.input as Record<string, unknown>;
      if (name === 'TransactWriteItemsCommand') {
        const items = input.TransactItems as { Update?: { UpdateExpression?: string } }[];
        // the ledger's: conditional updates of recipients (the others put campaigns and releases)
        const updates = items.map((i) => i.Update?.UpdateExpression ?? '');
        if (updates.every((u) => u.includes('claimedAt'))) seen.claimTransactions.push(items.length);
        else if (updates.every((u) => u.startsWith('SET #s = :to'))) seen.settleTransactions.push(items.length);
      }
      if (name === 'UpdateItemCommand') {
        const sk = str((input.Key as Record<string, unknown>).sk);
        if (sk.startsWith('RCPT#')) seen.singleLedgerWrites++;
        if (sk === '#CAMPAIGN' && String(input.UpdateExpression).startsWith('ADD c_')) seen.counterWrites++;
      }
      return next(args);
    },
    { step: 'initialize', name: 'countLedgerCommands' },
  );
  return seen;
}

describe('sending on DynamoDB Local and the SES emulator', () => {
  it('checks suppression and unsubscription at send time: whoever left between snapshot and batch is skipped', async () => {
    const { deps, store, queue, release, presse, add, outbox } = await world();
    const { subscriber: leaving } = await add('leaving');
    await add('bounced');
    await add('staying');
    const { campaign } = await launchCampaign(deps, { releaseId: release.id, listIds: [presse.id] });
    queue.messages.length = 0; // the launch message, run by hand below
    await snapshotAudience(deps, campaign.id);

    await unsubscribeByToken(
      deps,
      signToken({ purpose: 'unsubscribe', subscriberId: leaving?.id ?? '', campaignId: campaign.id }, deps.tokenKeys),
    );
    const bounced = (await store.listRecipients(campaign.id)).items.find((r) => r.email.startsWith('bounced@'));
    await store.suppress(bounced?.email ?? '', 'hard-bounce', deps.clock.now().toISOString());
    await queue.drain();

    expect(await outbox()).toEqual(['staying']);
    const done = await store.getCampaign(campaign.id);
    expect(done?.status).toBe('finished');
    expect(done?.counts).toEqual({ pending: 0, sending: 0, sent: 1, failed: 0, skipped: 2 });
    expect((await store.tallyLedger(campaign.id)).counts).toMatchObject({ sent: 1, skipped: 2 });
  });

  it('pauses mid-campaign without losing or repeating anyone, resumes to the end, and refuses to cancel a finished one', async () => {
    const { deps, store, queue, release, presse, add, outbox } = await world();
    for (let n = 1; n <= 9; n++) await add(`p${n}`);
    const { campaign } = await launchCampaign(deps, { releaseId: release.id, listIds: [presse.id] });
    queue.messages.length = 0;
    await snapshotAudience(deps, campaign.id); // queues 3 batches of 3
    const [firstBatch] = queue.messages.splice(0, 1);
    if (firstBatch) await handleSendMessage(deps, firstBatch);

    await pauseCampaign(deps, campaign.id);
    await queue.drain(); // the two other batches arrive while paused: nothing sent
    expect(await outbox()).toHaveLength(3);
    expect((await store.getCampaign(campaign.id))?.counts).toMatchObject({ sent: 3, pending: 6 });
    await expect(pauseCampaign(deps, campaign.id)).rejects.toThrow(/en pause/);

    await resumeCampaign(deps, campaign.id);
    await queue.drain();
    const mails = await outbox();
    expect(mails).toHaveLength(9);
    expect(new Set(mails).size).toBe(9);
    expect((await store.getCampaign(campaign.id))?.status).toBe('finished');
    await expect(cancelCampaign(deps, campaign.id)).rejects.toThrow(/terminée/);
  });

  it('cancels: pending recipients are never sent, and a cancelled campaign cannot resume', async () => {
    const { deps, store, queue, release, presse, add, outbox } = await world();
    for (let n = 1; n <= 4; n++) await add(`p${n}`);
    const { campaign } = await launchCampaign(deps, { releaseId: release.id, listIds: [presse.id] });

    await cancelCampaign(deps, campaign.id);
    await queue.drain();

    expect(await outbox()).toEqual([]);
    expect((await store.getCampaign(campaign.id))?.status).toBe('cancelled');
    await expect(resumeCampaign(deps, campaign.id)).rejects.toBeInstanceOf(ConflictError);
  });

  it('claims and settles in group writes, counted as SDK commands: never one recipient at a time, the campaign item a few times per batch', async () => {
    const { deps, store, dynamo, queue, release, presse, add, outbox } = await world(50);
    for (let n = 1; n <= 100; n++) await add(`p${n}`);
    const seen = countCommands(dynamo);

    const { campaign } = await launchCampaign(deps, { releaseId: release.id, listIds: [presse.id] });
    await queue.drain();

    expect(await outbox()).toHaveLength(100);
    expect(seen.singleLedgerWrites).toBe(0);
    expect(seen.claimTransactions).toEqual([50, 50]); // one TransactWriteItems per batch of 50
    expect(seen.settleTransactions.reduce((n, k) => n + k, 0)).toBe(100);
    // outcomes go out every 25 (or 200 ms: how many groups depends on the emulator's pace, so no exact count here)
    expect(Math.max(...seen.settleTransactions)).toBeGreaterThan(1);
    // the counters: one announcement per batch and one report per group of outcomes, never one per recipient
    expect(seen.counterWrites).toBeGreaterThanOrEqual(2);
    expect(seen.counterWrites).toBeLessThanOrEqual(seen.claimTransactions.length + seen.settleTransactions.length);
    expect((await store.getCampaign(campaign.id))?.counts).toEqual({ pending: 0, sending: 0, sent: 100, failed: 0, skipped: 0 });
    // the counter sees a single-item ledger write when there is one (unlike the fake's, it can be non-zero)
    const [someone] = (await store.listRecipients(campaign.id, { limit: 1 })).items;
    expect(await store.claimRecipient(campaign.id, someone?.subscriberId ?? '', deps.clock.now().toISOString())).toBe(false);
    expect(seen.singleLedgerWrites).toBe(1);
  });
});
