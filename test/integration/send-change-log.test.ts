import { type DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { launchCampaign } from '../../functions/app/launch-campaign';
import { addSubscriberToList, createList } from '../../functions/app/manage-audience';
import { createRelease } from '../../functions/app/manage-releases';
import { snapshotAudience } from '../../functions/app/snapshot-audience';
import { eraseSubscriber } from '../../functions/app/subscriber-privacy';
import { unsubscribeFromLists } from '../../functions/app/unsubscribe';
import { buildStoreAndMailer } from '../../functions/worker-wiring';
import { freshTable, localConfigFor, outboxFor, uniqueDomain } from '../support/emulator-context';
import { fakeDeps, testBrand } from '../support/fakes';

/**
 * Issue 13 point 2, on DynamoDB Local and the SES emulator: a send message carries what the
 * snapshot knew (address, name, lists), so a batch reads no recipient item, no suppression and
 * no membership; what changed after the snapshot comes from the audience change log.
 */
async function world() {
  const { tableName } = await freshTable('changes');
  const { dynamo, store, mailer } = buildStoreAndMailer(localConfigFor(tableName));
  const ctx = fakeDeps({ store, mailer, batchSize: 50 });
  const { deps } = ctx;
  await store.putBrand(testBrand);
  const release = await createRelease(deps, { brandId: 'cd41', title: 'Festival du travail social', body: 'Texte.' });
  const presse = await createList(deps, { name: 'Presse', kind: 'press', optIn: 'single' });
  const partenaires = await createList(deps, { name: 'Partenaires', kind: 'press', optIn: 'single' });
  const domain = uniqueDomain();
  const outbox = async () => (await outboxFor(domain)).map((m) => m.destination.to[0]?.split('@')[0]).sort();
  return { ...ctx, store, dynamo, tableName, release, presse, partenaires, domain, outbox };
}

/** The keys each BatchGetItem asks for, and the partitions queried, while the batches run. */
function watchReads(client: DynamoDBClient) {
  const seen = { batchGetKeys: [] as string[], queried: [] as string[] };
  const str = (v: unknown) => String((v as { S?: string } | undefined)?.S ?? v ?? '');
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = (context as { commandName?: string }).commandName;
      const input = args.input as Record<string, unknown>;
      if (name === 'BatchGetItemCommand') {
        for (const { Keys } of Object.values(input.RequestItems as Record<string, { Keys: Record<string, unknown>[] }>))
          for (const k of Keys) seen.batchGetKeys.push(`${str(k.pk)}|${str(k.sk)}`);
      }
      if (name === 'QueryCommand') seen.queried.push(str((input.ExpressionAttributeValues as Record<string, unknown>)?.[':p']));
      return next(args);
    },
    { step: 'initialize', name: 'watchSendReads' },
  );
  return seen;
}

describe('send batches read the audience change log, not each recipient', () => {
  it('honours a suppression, an unsubscription and an erasure made after the snapshot; a person who left one of two lists still gets it; a batch reads the items of the flagged only', async () => {
    const { deps, store, dynamo, tableName, queue, release, presse, partenaires, domain, outbox } = await world();
    const add = async (local: string, listId = presse.id, name?: string) =>
      (await addSubscriberToList(deps, listId, { email: `${local}@${domain}`, profile: name ? { name } : undefined })).subscriber;
    const bounced = await add('bounced');
    const leaving = await add('leaving');
    const erased = await add('erased');
    const twoLists = await add('two-lists', presse.id, 'Léa Martin');
    await add('two-lists', partenaires.id);
    const staying = await add('staying');
    const { campaign } = await launchCampaign(deps, { releaseId: release.id, listIds: [presse.id, partenaires.id] });
    queue.messages.length = 0; // the launch message, run by hand
    await snapshotAudience(deps, campaign.id);
    const [message] = queue.messages;
    // what the snapshot knew travels with the message
    expect(message?.type === 'send' && message.snapshotAt).toBeTruthy();
    expect(message?.type === 'send' && message.recipients?.find((r) => r.subscriberId === twoLists?.id)).toMatchObject({
      email: `two-lists@${domain}`,
      name: 'Léa Martin',
      listIds: expect.arrayContaining([presse.id, partenaires.id]),
    });

    // after the snapshot
    await store.suppress(`bounced@${domain}`, 'hard-bounce', deps.clock.now().toISOString());
    await unsubscribeFromLists(deps, leaving?.id ?? '', [presse.id], 'form');
    await unsubscribeFromLists(deps, twoLists?.id ?? '', [presse.id], 'form');
    await eraseSubscriber(deps, erased?.id ?? '', { kind: 'user', id: 'u1', name: 'Admin', role: 'admin' } as never);
    const reads = watchReads(dynamo);
    await queue.drain();

    expect(await outbox()).toEqual(['staying', 'two-lists']);
    const done = await store.getCampaign(campaign.id);
    expect(done?.counts).toEqual({ pending: 0, sending: 0, sent: 2, failed: 0, skipped: 3 });
    expect(bounced).toBeDefined();
    // the batch queried the change log and read items only of the four the log flagged (the log
    // tells who may have changed; their items tell what holds now): none of whoever stayed
    const itemReads = reads.batchGetKeys.filter((k) => /^(SUPPRESSED#|SUB#)|\|(RCPT#|MEMBER#)/.test(k));
    expect(itemReads.some((k) => k.includes(staying?.id ?? 'staying'))).toBe(false);
    // two suppression keys per address read (its HMAC and the legacy plain hash): fewer than all five recipients'
    expect(itemReads.filter((k) => k.startsWith('SUPPRESSED#')).length).toBeLessThan(2 * 5);
    expect(reads.queried.some((p) => p.startsWith('CHANGES#'))).toBe(true);
    // the change log names no address, the erased one included
    const changes = (await dynamo.send(new ScanCommand({ TableName: tableName, ConsistentRead: true }))).Items?.filter((it) =>
      it.pk?.S?.startsWith('CHANGES#'),
    );
    expect(changes?.length).toBeGreaterThanOrEqual(4);
    expect(JSON.stringify(changes)).not.toContain(domain);
  });

  it('a batch handed back or queued again from the ledger (no recipients in it) still reads them, and still honours what changed', async () => {
    const { deps, store, queue, release, presse, domain, outbox } = await world();
    for (const local of ['p1', 'p2', 'p3']) await addSubscriberToList(deps, presse.id, { email: `${local}@${domain}` });
    const { campaign } = await launchCampaign(deps, { releaseId: release.id, listIds: [presse.id] });
    queue.messages.length = 0;
    await snapshotAudience(deps, campaign.id);
    // a message as resume or the sweep writes it: ids only
    queue.messages.splice(0, queue.messages.length, {
      type: 'send',
      campaignId: campaign.id,
      subscriberIds: (await store.listRecipients(campaign.id)).items.map((r) => r.subscriberId),
    });

    await store.suppress(`p2@${domain}`, 'complaint', deps.clock.now().toISOString());
    await queue.drain();

    expect(await outbox()).toEqual(['p1', 'p3']);
    expect((await store.getCampaign(campaign.id))?.counts).toMatchObject({ sent: 2, skipped: 1 });
  });
});
