import { BatchWriteCommand, DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoStore } from '../../functions/adapters/dynamodb/dynamo-store';
import { keys } from '../../functions/adapters/dynamodb/keys';
import type { Membership, Subscriber, SubscriptionStatus } from '../../functions/domain/audience';
import type { ContactWrite } from '../../functions/domain/contact-row-rules';
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
});
