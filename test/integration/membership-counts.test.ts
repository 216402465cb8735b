import { BatchWriteCommand, DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoStore } from '../../functions/adapters/dynamodb/dynamo-store';
import { keys } from '../../functions/adapters/dynamodb/keys';
import { countAudience } from '../../functions/app/count-audience';
import { estimateAudience } from '../../functions/app/estimate-audience';
import { bootstrapAdmin } from '../../functions/domain/actor';
import { listInputSchema, type Membership, type Subscriber, type SubscriptionStatus } from '../../functions/domain/audience';
import type { ContactWrite } from '../../functions/domain/contact-row-rules';
import { audienceByWalkingEveryMember } from '../support/audience-oracle';
import { freshTable } from '../support/emulator-context';

const at = '2026-03-06T09:00:00.000Z';
const member = (subscriberId: string, status: SubscriptionStatus): Membership => ({
  listId: 'l1',
  subscriberId,
  email: `${subscriberId}@example.org`,
  status,
  updatedAt: at,
});
const subscriber = (id: string): Subscriber => ({ id, email: `${id}@example.org`, tags: [], language: 'fr', createdAt: at, updatedAt: at });
const range = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('members counted by list and status, on DynamoDB Local', () => {
  it('stay exact under 200 sign-ups, 100 unsubscribes, a 300-row import and count reads at once, on a table from before the counters', async () => {
    const { client, tableName } = await freshTable('member-counts');
    const doc = DynamoDBDocumentClient.from(client);
    const store = new DynamoStore(client, tableName, { addressPepper: 'counts-pepper-0123456789abcdef' });

    // A list written before the counters existed: 100 confirmed and 50 unconfirmed members, no counter item.
    const legacy = [...range('u', 100).map((id) => member(id, 'confirmed')), ...range('v', 50).map((id) => member(id, 'unconfirmed'))];
    for (let i = 0; i < legacy.length; i += 25) {
      const items = legacy
        .slice(i, i + 25)
        .map((m) => ({ PutRequest: { Item: { ...keys.membership('l1', m.subscriberId), type: 'membership', ...m } } }));
      await doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: items } }));
    }
    const counter = () => doc.send(new GetCommand({ TableName: tableName, Key: keys.listCounts('l1'), ConsistentRead: true }));
    expect((await counter()).Item).toBeUndefined();

    // The import overlaps everything else: new people, the members being unsubscribed (confirmed again), people
    // signing up at that very moment, and unconfirmed members it confirms.
    const importRows: ContactWrite[] = [
      ...range('i', 100).map((id) => ({
        subscriber: { mode: 'create' as const, value: subscriber(id) },
        membership: member(id, 'confirmed'),
      })),
      ...range('u', 100).map((id) => ({ membership: member(id, 'confirmed') })),
      ...range('s', 50).map((id) => ({ membership: member(id, 'confirmed') })),
      ...range('v', 50).map((id) => ({ membership: member(id, 'confirmed') })),
    ];
    expect(importRows).toHaveLength(300);
    const signUp = async (id: string) => {
      await store.createSubscriber(subscriber(id));
      await store.putMembership(member(id, 'unconfirmed'));
    };
    const reads: Promise<unknown>[] = [];
    await Promise.all([
      ...range('s', 200).map(signUp),
      ...range('u', 100).map((id) => store.setMembershipStatus('l1', id, 'unsubscribed', at)),
      store.writeContacts(importRows).then((results) => expect(results.every((r) => r === 'written')).toBe(true)),
      // Reads racing the first writes: each may be the one that walks the list once and writes the counter.
      ...Array.from({ length: 5 }, () => reads.push(store.countMembersByStatus('l1'))),
    ]);
    await Promise.all(reads);

    const walked: Record<SubscriptionStatus, number> = { unconfirmed: 0, confirmed: 0, unsubscribed: 0 };
    let start: Record<string, unknown> | undefined;
    do {
      const page = await doc.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :p AND begins_with(sk, :m)',
          ExpressionAttributeValues: { ':p': 'LIST#l1', ':m': 'MEMBER#' },
          ExclusiveStartKey: start,
          ConsistentRead: true,
        }),
      );
      for (const m of page.Items ?? []) walked[m.status as SubscriptionStatus]++;
      start = page.LastEvaluatedKey;
    } while (start);

    expect(walked.unconfirmed + walked.confirmed + walked.unsubscribed).toBe(450); // 150 before, 200 signed up, 100 imported
    expect(walked.confirmed).toBeGreaterThanOrEqual(150); // the 100 new and the 50 unconfirmed legacy members
    expect((await counter()).Item).toMatchObject({
      n_unconfirmed: walked.unconfirmed,
      n_confirmed: walked.confirmed,
      n_unsubscribed: walked.unsubscribed,
    });
    expect(await store.countMembersByStatus('l1')).toEqual(walked);
  });

  it('give the send dialog’s and GET /api/audience’s counts: equal to a walk over every member after sign-ups, unsubscribes, an import and suppressions at once', async () => {
    const { client, tableName } = await freshTable('audience-counts');
    const store = new DynamoStore(client, tableName, { addressPepper: 'counts-pepper-0123456789abcdef' });
    const onList = (listId: string, subscriberId: string, status: SubscriptionStatus): Membership => ({
      ...member(subscriberId, status),
      listId,
    });
    for (const id of ['l1', 'l2', 'l3', 'l4'])
      await store.createList({ ...listInputSchema.parse({ name: `Liste ${id}` }), id, createdAt: at });
    // Two lists sharing 60 people: 100 on l1 only, 60 on both, 40 on l2 only.
    for (const id of range('a', 200)) await store.createSubscriber(subscriber(id));
    await store.writeContacts([
      ...range('a', 160).map((id) => ({ membership: onList('l1', id, 'confirmed') })),
      ...range('a', 200)
        .slice(100)
        .map((id) => ({ membership: onList('l2', id, 'unconfirmed') })),
    ]);

    await Promise.all([
      // Sign-ups to both lists, confirmed on l2 only.
      ...range('n', 80).map(async (id) => {
        await store.createSubscriber(subscriber(id));
        await store.putMembership(onList('l1', id, 'unconfirmed'));
        await store.putMembership(onList('l2', id, 'confirmed'));
      }),
      // Unsubscribes from l1, among the people on both lists and the others.
      ...range('a', 200)
        .filter((_, i) => i % 4 === 0 && i < 160)
        .map((id) => store.setMembershipStatus('l1', id, 'unsubscribed', at)),
      // An import confirming people on l2 while the rest goes on.
      store.writeContacts(
        range('a', 200)
          .slice(120)
          .map((id) => ({ membership: onList('l2', id, 'confirmed') })),
      ),
      // Addresses blocked: bounces of people on one list or both, and an address on no list.
      ...['a3', 'a101', 'a150', 'a190', 'n7'].map((id) => store.suppress(`${id}@example.org`, 'hard-bounce', at)),
      store.suppress('personne@example.org', 'manual', at),
    ]);

    // Two more small lists, so that a count of four lists lists each blocked person's memberships (one query each).
    await store.writeContacts(['a3', 'a150', 'a7', 'n1'].map((id) => ({ membership: onList('l3', id, 'confirmed') })));
    await store.writeContacts(['a190', 'a8'].map((id) => ({ membership: onList('l4', id, 'unconfirmed') })));

    const actor = bootstrapAdmin;
    for (const listIds of [['l1'], ['l2'], ['l1', 'l2'], ['l3', 'l4'], ['l1', 'l2', 'l3', 'l4']]) {
      const expected = await audienceByWalkingEveryMember(store, listIds);
      expect({ listIds, ...(await countAudience({ store }, actor, { listIds })) }).toEqual({ listIds, ...expected });
      for (const strategy of ['lookup', 'walk'] as const)
        expect({ listIds, strategy, ...(await estimateAudience({ store }, listIds, undefined, { strategy })) }).toEqual({
          listIds,
          strategy,
          ...expected,
        });
    }
    const both = await countAudience({ store }, actor, { listIds: ['l1', 'l2'] });
    expect(both.suppressed).toBe(5);
    expect(both.recipients + both.suppressed + both.notConfirmed).toBe(280); // 200 + 80 signed up, each once
  });
});
