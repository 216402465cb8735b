import { describe, expect, it } from 'vitest';
import { handleSendMessage } from '../../functions/app/handle-send-message';
import { launchCampaign } from '../../functions/app/launch-campaign';
import { createList } from '../../functions/app/manage-audience';
import { createRelease } from '../../functions/app/manage-releases';
import { SNAPSHOT_CHUNK_MS } from '../../functions/app/snapshot-audience';
import type { Recipient } from '../../functions/domain/campaign';
import { SendTimeBudget } from '../../functions/domain/send-time-budget';
import type { SendMessage } from '../../functions/ports';
import { buildStoreAndMailer } from '../../functions/worker-wiring';
import { freshTable, localConfigFor, outboxFor, uniqueDomain } from '../support/emulator-context';
import { fakeDeps, testBrand } from '../support/fakes';

describe('an audience snapshot in chunks on DynamoDB Local and the SES emulator', () => {
  it('suspends and resumes across invocations, writing each person of two overlapping lists once, and sends each one mail', async () => {
    // prepare: A holds people 0–299, B 200–499 (100 on both), 500 people in all
    const { tableName } = await freshTable('chunks');
    const { store, mailer } = buildStoreAndMailer(localConfigFor(tableName));
    const { deps, queue, clock } = fakeDeps({ store, mailer, batchSize: 50 });
    await store.putBrand(testBrand);
    const release = await createRelease(deps, { brandId: 'cd41', title: 'Festival du travail social', body: 'Texte.' });
    const a = await createList(deps, { name: 'Presse', kind: 'press', optIn: 'single' });
    const b = await createList(deps, { name: 'Partenaires', kind: 'partners', optIn: 'single' });
    const domain = uniqueDomain();
    const at = clock.now().toISOString();
    const people = 500;
    const ids: string[] = [];
    for (let i = 0; i < people; i += 25) {
      await Promise.all(
        Array.from({ length: 25 }, async (_, k) => {
          const n = i + k;
          const email = `p${n}@${domain}`;
          const { subscriber } = await store.createSubscriber({
            id: `s${n}`,
            email,
            tags: [],
            language: 'fr',
            createdAt: at,
            updatedAt: at,
          });
          ids.push(subscriber.id);
          if (n < 300) await store.putMembership({ listId: a.id, subscriberId: subscriber.id, email, status: 'confirmed', updatedAt: at });
          if (n >= 200) await store.putMembership({ listId: b.id, subscriberId: subscriber.id, email, status: 'confirmed', updatedAt: at });
        }),
      );
    }
    const { campaign } = await launchCampaign(deps, { releaseId: release.id, listIds: [a.id, b.id] });

    // act: each invocation's deadline leaves time for one chunk only (the clock does not move)
    const sends: SendMessage[] = [];
    let invocations = 0;
    for (let guard = 0; guard < 20; guard++) {
      const launch = queue.messages.findIndex((m) => m.type === 'launch');
      if (launch < 0) break;
      const [message] = queue.messages.splice(launch, 1) as [SendMessage];
      await handleSendMessage(deps, message, { budget: new SendTimeBudget(clock.now().getTime() + SNAPSHOT_CHUNK_MS - 1) });
      invocations++;
      sends.push(...queue.messages.filter((m) => m.type === 'send'));
      queue.messages.splice(0, queue.messages.length, ...queue.messages.filter((m) => m.type !== 'send'));
      if (queue.messages.length > 0) {
        // suspended: no total yet, the progress kept on the campaign item, the lease free for the next launch
        expect((await store.getCampaign(campaign.id))?.total).toBeUndefined();
        expect(await store.getSnapshotProgress(campaign.id)).toBeDefined();
      }
    }

    // assess: A in two chunks (250, then 50), B in one: three invocations
    expect(invocations).toBe(3);
    expect((await store.getCampaign(campaign.id))?.total).toBe(people);
    expect(await store.getSnapshotProgress(campaign.id)).toBeUndefined();
    const ledger: Recipient[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.listRecipients(campaign.id, { cursor, limit: 1000 });
      ledger.push(...page.items);
      cursor = page.cursor;
    } while (cursor);
    expect(new Set(ledger.map((r) => r.subscriberId))).toEqual(new Set(ids));
    expect(ledger).toHaveLength(people);
    expect(
      ledger
        .filter((r) => r.listIds.length === 2)
        .map((r) => Number(r.subscriberId.slice(1)))
        .sort((x, y) => x - y),
    ).toEqual(Array.from({ length: 100 }, (_, k) => 200 + k));
    const queued = sends.flatMap((m) => (m.type === 'send' ? m.subscriberIds : []));
    expect(queued).toHaveLength(people);

    await queue.enqueue(sends);
    await queue.drain();
    const outbox = (await outboxFor(domain)).map((m) => m.destination.to[0]);
    expect(outbox).toHaveLength(people);
    expect(new Set(outbox).size).toBe(people);
    expect(await store.getCampaign(campaign.id)).toMatchObject({ status: 'finished', total: people, counts: { sent: people } });
  });
});
