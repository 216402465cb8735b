import { createHash } from 'node:crypto';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoStore } from '../../functions/adapters/dynamodb/dynamo-store';
import { type Campaign, emptyCounts } from '../../functions/domain/campaign';
import { ConflictError } from '../../functions/domain/errors';
import type { Release } from '../../functions/domain/release';
import { releaseContentSchema } from '../../functions/domain/release';
import { freshTable } from '../support/emulator-context';
import { testBrand } from '../support/fakes';

let store: DynamoStore;
const at = '2026-03-06T09:00:00.000Z';

beforeAll(async () => {
  const { client, tableName } = await freshTable('store');
  store = new DynamoStore(client, tableName);
});

const release = (id: string, date: string, version = 1): Release => ({
  id,
  status: 'draft',
  version,
  content: releaseContentSchema.parse({ brandId: 'cd41', title: `Communiqué ${id}`, dateline: { city: 'Blois', date } }),
  createdAt: at,
  updatedAt: at,
});

describe('DynamoStore against DynamoDB Local', () => {
  it('keeps one subscriber per address, even under concurrent creation', async () => {
    const base = { email: 'anne@example.org', tags: [], language: 'fr', createdAt: at, updatedAt: at };
    const results = await Promise.all(['s1', 's2', 's3'].map((id) => store.createSubscriber({ ...base, id })));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const winner = results.find((r) => r.created)?.subscriber.id;
    expect(new Set(results.map((r) => r.subscriber.id))).toEqual(new Set([winner]));
    expect((await store.getSubscriberByEmail('anne@example.org'))?.id).toBe(winner);
  });

  it('lists releases of a brand newest first and keeps every version', async () => {
    await store.putBrand(testBrand);
    await store.createRelease(release('r-old', '2023-03-06'));
    await store.createRelease(release('r-new', '2024-04-02'));
    const edited = { ...release('r-old', '2023-03-06', 2), content: { ...release('r-old', '2023-03-06').content, title: 'Titre revu' } };
    await store.updateRelease(edited, 1);

    const page = await store.listReleasesByBrand('cd41');
    expect(page.items.map((r) => r.id)).toEqual(['r-new', 'r-old']);
    expect((await store.getReleaseVersion('r-old', 1))?.title).toBe('Communiqué r-old');
    expect((await store.getReleaseVersion('r-old', 2))?.title).toBe('Titre revu');
    await expect(store.updateRelease(edited, 1)).rejects.toBeInstanceOf(ConflictError);
  });

  it('pages through the members of a list by cursor', async () => {
    await store.createList({
      id: 'big',
      name: 'Grande liste',
      description: '',
      kind: 'press',
      optIn: 'single',
      publicSignup: false,
      createdAt: at,
    });
    for (let i = 0; i < 25; i++) {
      await store.putMembership({
        listId: 'big',
        subscriberId: `m${String(i).padStart(2, '0')}`,
        email: `m${i}@example.org`,
        status: 'confirmed',
        updatedAt: at,
      });
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await store.listMembers('big', { limit: 10, cursor });
      seen.push(...page.items.map((m) => m.subscriberId));
      cursor = page.cursor;
      pages++;
    } while (cursor);
    expect(seen).toHaveLength(25);
    expect(new Set(seen).size).toBe(25);
    expect(pages).toBeGreaterThanOrEqual(3);
  });

  it('claims a recipient once and keeps the campaign counts in step with the ledger', async () => {
    const campaign: Campaign = {
      id: 'c1',
      releaseId: 'r-new',
      listIds: ['big'],
      sender: { name: 'CD41', address: 'presse@example.org' },
      status: 'running',
      counts: emptyCounts(),
      createdAt: at,
    };
    const mail = { formatVersion: 1 as const, subject: 's', html: ['h'], text: ['t'] };
    expect((await store.createCampaign(campaign, mail)).created).toBe(true);
    expect((await store.createCampaign(campaign, mail)).created).toBe(false);
    const r = (id: string) => ({
      campaignId: 'c1',
      subscriberId: id,
      email: `${id}@example.org`,
      listIds: ['big'],
      status: 'pending' as const,
      updatedAt: at,
    });
    expect(await store.addRecipients('c1', [r('a'), r('b'), r('c')])).toBe(3);
    expect(await store.addRecipients('c1', [r('a'), r('d')])).toBe(1);
    const lease = await store.acquireSnapshotLease('c1', 'me', Date.parse(at), 60_000);
    expect(lease).toEqual({ acquired: true, firstAttempt: true });
    expect(await store.completeSnapshot('c1', 'me', await store.countRecipients('c1'))).toBe(true);

    // a worker announces its claims, then reports their outcomes: one write for the batch
    expect((await store.addToCounts('c1', { sending: 2 }, 'running'))?.counts).toMatchObject({ pending: 2, sending: 2 });
    const claims = await Promise.all([1, 2, 3, 4].map(() => store.claimRecipient('c1', 'a', at)));
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await store.settleRecipient('c1', 'a', { status: 'sent', messageId: 'm-1' }, at)).toBe(true);
    expect(await store.settleRecipient('c1', 'a', { status: 'pending', error: 'late' }, at)).toBe(false); // no longer sending: left alone
    expect(await store.claimRecipient('c1', 'a', at)).toBe(false);
    await store.claimRecipient('c1', 'b', at);
    await store.settleRecipient('c1', 'b', { status: 'pending', error: 'throttled' }, at);
    await store.addToCounts('c1', { sending: -2, sent: 1 }, 'unfinished');

    const c = await store.getCampaign('c1');
    expect(c?.counts).toEqual({ pending: 3, sending: 0, sent: 1, failed: 0, skipped: 0 });
    expect((await store.getRecipient('c1', 'a'))?.messageId).toBe('m-1');
    expect((await store.listRecipients('c1', { status: 'pending' })).items.map((x) => x.subscriberId).sort()).toEqual(['b', 'c', 'd']);
    expect(await store.getCompiledMail('c1')).toEqual(mail);
  });

  it('lets exactly one of many concurrent claims of a recipient win, with no transaction and no write to the campaign', async () => {
    const campaign: Campaign = {
      id: 'c-race',
      releaseId: 'r-new',
      listIds: ['big'],
      sender: { name: 'CD41', address: 'presse@example.org' },
      status: 'running',
      counts: emptyCounts(),
      createdAt: at,
    };
    await store.createCampaign(campaign, { formatVersion: 1, subject: 's', html: ['h'], text: ['t'] });
    const ids = Array.from({ length: 30 }, (_, i) => `r${i}`);
    await store.addRecipients(
      'c-race',
      ids.map((id) => ({
        campaignId: 'c-race',
        subscriberId: id,
        email: `${id}@example.org`,
        listIds: ['big'],
        status: 'pending' as const,
        updatedAt: at,
      })),
      'new',
    );
    const before = await store.getCampaign('c-race');

    // 8 contenders per recipient, all at once
    const results = await Promise.all(
      ids.flatMap((id) => Array.from({ length: 8 }, async () => ({ id, won: await store.claimRecipient('c-race', id, at) }))),
    );

    for (const id of ids) expect(results.filter((x) => x.id === id && x.won)).toHaveLength(1);
    expect((await store.tallyLedger('c-race')).counts).toMatchObject({ pending: 0, sending: 30 });
    expect(await store.getCampaign('c-race')).toEqual(before);
  });

  it('closes a cancelled campaign’s counts from its ledger once, and refuses later reports', async () => {
    const campaign: Campaign = {
      id: 'c-cancel',
      releaseId: 'r-new',
      listIds: ['big'],
      sender: { name: 'CD41', address: 'presse@example.org' },
      status: 'running',
      counts: emptyCounts(),
      createdAt: at,
    };
    await store.createCampaign(campaign, { formatVersion: 1, subject: 's', html: ['h'], text: ['t'] });
    await store.addRecipients(
      'c-cancel',
      ['x', 'y', 'z'].map((id) => ({
        campaignId: 'c-cancel',
        subscriberId: id,
        email: `${id}@example.org`,
        listIds: ['big'],
        status: 'pending' as const,
        updatedAt: at,
      })),
      'new',
    );
    expect(await store.acquireSnapshotLease('c-cancel', 'w1', Date.now(), 60_000)).toMatchObject({ acquired: true });
    expect(await store.completeSnapshot('c-cancel', 'w1', 3)).toBe(true);
    await store.claimRecipient('c-cancel', 'x', at);
    await store.settleRecipient('c-cancel', 'x', { status: 'sent', messageId: 'm-x' }, at);
    await store.addToCounts('c-cancel', { sending: 3 }, 'running'); // a worker announced 3 and died

    expect(await store.closeCancelledCounts('c-cancel', await store.tallyLedger('c-cancel'), at)).toBe(false); // still running
    expect(await store.setCampaignStatus('c-cancel', 'cancelled', ['running'], at)).toBe(true);
    expect(await store.closeCancelledCounts('c-cancel', await store.tallyLedger('c-cancel'), at)).toBe(true);
    expect(await store.closeCancelledCounts('c-cancel', await store.tallyLedger('c-cancel'), at)).toBe(false);

    const closed = await store.getCampaign('c-cancel');
    expect(closed).toMatchObject({ status: 'cancelled', countsFinalAt: at });
    expect(closed?.counts).toEqual({ pending: 2, sending: 0, sent: 1, failed: 0, skipped: 0 });
    expect(await store.addToCounts('c-cancel', { sending: -1, sent: 1 }, 'unfinished')).toBeUndefined();
    expect((await store.getCampaign('c-cancel'))?.counts).toEqual(closed?.counts);
  });

  it('claims a group in one transaction, leaving out the recipients another worker took, and retrying the rest', async () => {
    const campaign: Campaign = {
      id: 'c-group',
      releaseId: 'r-new',
      listIds: ['big'],
      sender: { name: 'CD41', address: 'presse@example.org' },
      status: 'running',
      counts: emptyCounts(),
      createdAt: at,
    };
    await store.createCampaign(campaign, { formatVersion: 1, subject: 's', html: ['h'], text: ['t'] });
    const ids = Array.from({ length: 70 }, (_, i) => `g${i}`);
    await store.addRecipients(
      'c-group',
      ids.map((id) => ({
        campaignId: 'c-group',
        subscriberId: id,
        email: `${id}@example.org`,
        listIds: ['big'],
        status: 'pending' as const,
        updatedAt: at,
      })),
      'new',
    );
    // another worker took 3 of them; one was even sent already
    for (const id of ['g3', 'g40', 'g69']) expect(await store.claimRecipient('c-group', id, at)).toBe(true);
    expect(await store.settleRecipient('c-group', 'g40', { status: 'sent', messageId: 'm-g40' }, at)).toBe(true);

    const claimed = await store.claimRecipients('c-group', ids, '2026-03-06T09:00:05.000Z'); // 70: two transactions, both cancelled once
    expect(claimed.size).toBe(67);
    expect([...claimed].filter((id) => ['g3', 'g40', 'g69'].includes(id))).toEqual([]);
    expect((await store.getRecipient('c-group', 'g5'))?.claimedAt).toBe('2026-03-06T09:00:05.000Z');
    expect((await store.getRecipient('c-group', 'g40'))?.messageId).toBe('m-g40');
    expect((await store.tallyLedger('c-group')).counts).toMatchObject({ pending: 0, sending: 69, sent: 1 });
    expect(await store.claimRecipients('c-group', ids, at)).toEqual(new Set()); // nobody claimed twice
    await expect(store.claimRecipients('c-group', ['g1', 'g1'], at)).rejects.toThrow(/once/);
  });

  it('settles a group in one transaction when a SES Send event settled one of it first', async () => {
    const campaign: Campaign = {
      id: 'c-gsettle',
      releaseId: 'r-new',
      listIds: ['big'],
      sender: { name: 'CD41', address: 'presse@example.org' },
      status: 'running',
      counts: emptyCounts(),
      createdAt: at,
    };
    await store.createCampaign(campaign, { formatVersion: 1, subject: 's', html: ['h'], text: ['t'] });
    const ids = Array.from({ length: 25 }, (_, i) => `e${i}`);
    await store.addRecipients(
      'c-gsettle',
      ids.map((id) => ({
        campaignId: 'c-gsettle',
        subscriberId: id,
        email: `${id}@example.org`,
        listIds: ['big'],
        status: 'pending' as const,
        updatedAt: at,
      })),
      'new',
    );
    expect((await store.claimRecipients('c-gsettle', ids, at)).size).toBe(25);
    await store.addToCounts('c-gsettle', { sending: 25 }, 'running');
    // the Send event of e7 arrives before the worker writes its outcomes
    expect(await store.settleIfSending('c-gsettle', 'e7', 'ses-e7', at)).toBe(true);

    const settled = await store.settleRecipients(
      'c-gsettle',
      ids.map((id, i) => ({
        subscriberId: id,
        outcome: i === 0 ? { status: 'failed' as const, error: 'rejeté' } : { status: 'sent' as const, messageId: `w-${id}` },
      })),
      at,
    );
    expect(settled.size).toBe(24);
    expect(settled.has('e7')).toBe(false); // counted by the event, not to be counted again
    expect((await store.getRecipient('c-gsettle', 'e7'))?.messageId).toBe('ses-e7');
    expect((await store.getRecipient('c-gsettle', 'e0'))?.status).toBe('failed');
    expect((await store.tallyLedger('c-gsettle')).counts).toMatchObject({ sending: 0, sent: 24, failed: 1 });
    expect((await store.getCampaign('c-gsettle'))?.counts).toMatchObject({ sending: 24, sent: 1 });
  });

  it('lets exactly one of several concurrent group claims win each recipient (transactions that conflict are retried)', async () => {
    const campaign: Campaign = {
      id: 'c-grace',
      releaseId: 'r-new',
      listIds: ['big'],
      sender: { name: 'CD41', address: 'presse@example.org' },
      status: 'running',
      counts: emptyCounts(),
      createdAt: at,
    };
    await store.createCampaign(campaign, { formatVersion: 1, subject: 's', html: ['h'], text: ['t'] });
    const ids = Array.from({ length: 60 }, (_, i) => `x${i}`);
    await store.addRecipients(
      'c-grace',
      ids.map((id) => ({
        campaignId: 'c-grace',
        subscriberId: id,
        email: `${id}@example.org`,
        listIds: ['big'],
        status: 'pending' as const,
        updatedAt: at,
      })),
      'new',
    );
    // 4 workers claiming overlapping groups at once, and single claims in between
    const groups = [ids, ids.slice(10, 50), [...ids].reverse(), ids.slice(0, 30)];
    const results = await Promise.all([
      ...groups.map((g) => store.claimRecipients('c-grace', g, at)),
      ...ids
        .filter((_, i) => i % 7 === 0)
        .map(async (id) => ((await store.claimRecipient('c-grace', id, at)) ? new Set([id]) : new Set<string>())),
    ]);
    const wins = results.flatMap((r) => [...r]);
    expect(wins.length).toBe(60);
    expect(new Set(wins).size).toBe(60);
    expect((await store.tallyLedger('c-grace')).counts).toMatchObject({ pending: 0, sending: 60 });
  });

  it('writes again the items of a group that only conflicted with another transaction (as DynamoDB, unlike DynamoDB Local, reports)', async () => {
    // DynamoDB Local serialises transactions and never answers TransactionConflict: inject it
    const { client, tableName } = await freshTable('conflict');
    const conflicting = new DynamoStore(client, tableName);
    const ids = Array.from({ length: 6 }, (_, i) => `k${i}`);
    await conflicting.addRecipients(
      'c-conflict',
      ids.map((id) => ({
        campaignId: 'c-conflict',
        subscriberId: id,
        email: `${id}@example.org`,
        listIds: ['big'],
        status: 'pending' as const,
        updatedAt: at,
      })),
      'new',
    );
    await conflicting.claimRecipient('c-conflict', 'k5', at); // taken
    const sent: string[] = [];
    let injected = 0;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const name = String((context as { commandName?: string }).commandName);
        sent.push(name);
        if (name === 'TransactWriteItemsCommand' && injected++ === 0) {
          const items = (args.input as { TransactItems: unknown[] }).TransactItems;
          throw new TransactionCanceledException({
            message: 'Transaction cancelled, please refer cancellation reasons for specific reasons [None, TransactionConflict, ...]',
            $metadata: {},
            CancellationReasons: items.map((_, i) => ({ Code: i === 1 ? 'TransactionConflict' : 'None' })),
          });
        }
        return next(args);
      },
      { step: 'initialize', name: 'injectTransactionConflict' },
    );

    const claimed = await conflicting.claimRecipients('c-conflict', ids, at);
    // 6 items cancelled by a conflict on the second (injected), all 6 again (cancelled: k5 was taken), then the 5 others
    expect(sent.filter((n) => n === 'TransactWriteItemsCommand')).toHaveLength(3);
    expect(claimed).toEqual(new Set(ids.slice(0, 5)));
    expect((await conflicting.tallyLedger('c-conflict')).counts).toMatchObject({ pending: 0, sending: 6 });
    client.destroy();
  });

  it('finishes from a recount of the ledger, whatever the counters missed (a worker died before reporting)', async () => {
    const campaign: Campaign = {
      id: 'c-crash',
      releaseId: 'r-new',
      listIds: ['big'],
      sender: { name: 'CD41', address: 'presse@example.org' },
      status: 'running',
      counts: emptyCounts(),
      createdAt: at,
    };
    await store.createCampaign(campaign, { formatVersion: 1, subject: 's', html: ['h'], text: ['t'] });
    const ids = Array.from({ length: 60 }, (_, i) => `s${String(i).padStart(2, '0')}`);
    await store.addRecipients(
      'c-crash',
      ids.map((id) => ({
        campaignId: 'c-crash',
        subscriberId: id,
        email: `${id}@example.org`,
        listIds: ['big'],
        status: 'pending' as const,
        updatedAt: at,
      })),
      'new',
    );
    expect(await store.acquireSnapshotLease('c-crash', 'w', Date.parse(at), 60_000)).toEqual({ acquired: true, firstAttempt: true });
    expect(await store.completeSnapshot('c-crash', 'w', 60)).toBe(true);

    // a worker announces 60 claims, settles them all (58 sent, 1 failed, 1 skipped), then dies before reporting
    await store.addToCounts('c-crash', { sending: 60 }, 'running');
    for (const [i, id] of ids.entries()) {
      await store.claimRecipient('c-crash', id, at);
      await store.settleRecipient(
        'c-crash',
        id,
        i === 0
          ? { status: 'failed', error: 'rejeté' }
          : i === 1
            ? { status: 'skipped', error: 'désinscrit' }
            : { status: 'sent', messageId: `m-${id}` },
        at,
      );
    }
    expect((await store.getCampaign('c-crash'))?.counts).toMatchObject({ sending: 60, sent: 0 }); // the counters over-state sending, never progress

    const tally = await store.tallyLedger('c-crash');
    expect(tally).toEqual({ recipients: 60, counts: { pending: 0, sending: 0, sent: 58, failed: 1, skipped: 1 }, claims: [] });
    expect(await store.finishCampaign('c-crash', { recipients: 59, counts: tally.counts }, at)).toBe(false); // not the snapshot's total
    expect(await store.finishCampaign('c-crash', tally, at)).toBe(true);
    const done = await store.getCampaign('c-crash');
    expect(done?.status).toBe('finished');
    expect(done?.finishedAt).toBe(at);
    expect(done?.counts).toEqual({ pending: 0, sending: 0, sent: 58, failed: 1, skipped: 1 });
    // a report arriving after the finish cannot disturb the final counts
    expect(await store.addToCounts('c-crash', { sending: -60, sent: 58 }, 'unfinished')).toBeUndefined();
    expect(await store.finishCampaign('c-crash', tally, at)).toBe(false);
    expect((await store.getCampaign('c-crash'))?.counts).toEqual(done?.counts);
  });

  it('lets one snapshot write a ledger at a time, blind writes only on the first attempt', async () => {
    const campaign: Campaign = {
      id: 'c-snap',
      releaseId: 'r-new',
      listIds: ['big'],
      sender: { name: 'CD41', address: 'presse@example.org' },
      status: 'running',
      counts: emptyCounts(),
      createdAt: at,
    };
    await store.createCampaign(campaign, { formatVersion: 1, subject: 's', html: ['h'], text: ['t'] });
    const t0 = Date.parse(at);
    const r = (id: string) => ({
      campaignId: 'c-snap',
      subscriberId: id,
      email: `${id}@example.org`,
      listIds: ['big'],
      status: 'pending' as const,
      updatedAt: at,
    });

    expect(await store.acquireSnapshotLease('c-snap', 'first', t0, 60_000)).toEqual({ acquired: true, firstAttempt: true });
    expect(await store.acquireSnapshotLease('c-snap', 'duplicate', t0 + 1_000, 60_000)).toEqual({ acquired: false });
    // 130 new entries in batches of 25, then the first holder sends one and dies
    expect(
      await store.addRecipients(
        'c-snap',
        Array.from({ length: 130 }, (_, i) => r(`n${i}`)),
        'new',
      ),
    ).toBe(130);
    await store.claimRecipient('c-snap', 'n7', at);
    await store.settleRecipient('c-snap', 'n7', { status: 'sent', messageId: 'm-7' }, at);

    expect(await store.renewSnapshotLease('c-snap', 'duplicate', t0 + 99_000)).toBe(false);
    const retry = await store.acquireSnapshotLease('c-snap', 'retry', t0 + 61_000, 60_000);
    expect(retry).toEqual({ acquired: true, firstAttempt: false });
    expect(await store.renewSnapshotLease('c-snap', 'first', t0 + 200_000)).toBe(false);
    // the retry writes unless present: the sent entry stays sent
    expect(await store.addRecipients('c-snap', [r('n7'), r('n8'), r('late')])).toBe(1);
    expect((await store.getRecipient('c-snap', 'n7'))?.status).toBe('sent');
    expect(await store.completeSnapshot('c-snap', 'first', 131)).toBe(false);
    expect(await store.completeSnapshot('c-snap', 'retry', await store.countRecipients('c-snap'))).toBe(true);
    expect((await store.getCampaign('c-snap'))?.total).toBe(131);
    expect(await store.acquireSnapshotLease('c-snap', 'after', t0 + 500_000, 60_000)).toEqual({ acquired: false }); // the total is fixed
  });

  it('finds suppressed addresses among many in batched reads', async () => {
    await store.suppress('gone-1@example.org', 'hard-bounce', at);
    await store.suppress('gone-2@example.org', 'complaint', at);
    const emails = [...Array.from({ length: 250 }, (_, i) => `kept-${i}@example.org`), 'gone-1@example.org', 'gone-2@example.org'];
    expect(await store.findSuppressed(emails)).toEqual(new Set(['gone-1@example.org', 'gone-2@example.org']));
    expect(await store.findSuppressed([])).toEqual(new Set());
  });

  it('moves a campaign status only from the states allowed', async () => {
    expect(await store.setCampaignStatus('c1', 'finished', ['paused'], at)).toBe(false);
    expect(await store.setCampaignStatus('c1', 'paused', ['running'], at)).toBe(true);
    expect((await store.getCampaign('c1'))?.status).toBe('paused');
  });

  it('honours a suppression kept under the old plain SHA-256 key, moves it to the HMAC key on sight, and erasure removes it', async () => {
    const { client, tableName } = await freshTable('legacy');
    const peppered = new DynamoStore(client, tableName, { addressPepper: 'legacy-test-pepper-0123456789' });
    const doc = DynamoDBDocumentClient.from(client);
    const legacyKey = (email: string) => ({ pk: `SUPPRESSED#${createHash('sha256').update(email).digest('hex')}`, sk: '#SUPPRESSED' });
    const legacyItem = async (email: string) => (await doc.send(new GetCommand({ TableName: tableName, Key: legacyKey(email) }))).Item;
    for (const email of ['old@example.org', 'old-too@example.org']) {
      await doc.send(
        new PutCommand({ TableName: tableName, Item: { ...legacyKey(email), type: 'suppression', reason: 'hard-bounce', at } }),
      );
    }
    const r = {
      campaignId: 'c',
      subscriberId: 's-old',
      email: 'old-too@example.org',
      listIds: ['l'],
      status: 'pending' as const,
      updatedAt: at,
    };

    // read in batches (snapshot, send batch): honoured, nothing written
    expect(await peppered.findSuppressed(['old@example.org', 'old-too@example.org', 'new@example.org'])).toEqual(
      new Set(['old@example.org', 'old-too@example.org']),
    );
    expect((await peppered.loadSendContext([r])).suppressed).toEqual(new Set(['old-too@example.org']));
    // read one by one: honoured and moved
    expect(await peppered.suppressionOf('old@example.org')).toEqual({ reason: 'hard-bounce', at });
    expect(await legacyItem('old@example.org')).toBeUndefined();
    expect(await peppered.isSuppressed('old@example.org')).toBe(true);
    // an erased address keeps no plain hash
    await peppered.createSubscriber({ id: 's-old', email: 'old-too@example.org', tags: [], language: 'fr', createdAt: at, updatedAt: at });
    await peppered.eraseSubscriber('s-old', at);
    expect(await legacyItem('old-too@example.org')).toBeUndefined();
    expect(await peppered.suppressionOf('old-too@example.org')).toEqual({ reason: 'erased', at });
    client.destroy();
  });

  it('remembers suppressions by hash only', async () => {
    await store.suppress('bounced@example.org', 'hard-bounce', at);
    expect(await store.isSuppressed('bounced@example.org')).toBe(true);
    expect(await store.isSuppressed('other@example.org')).toBe(false);
  });
});
