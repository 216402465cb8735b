import { IdempotentParameterMismatchException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoStore } from '../../functions/adapters/dynamodb/dynamo-store';
import { keys } from '../../functions/adapters/dynamodb/keys';
import type { Recipient } from '../../functions/domain/campaign';
import { freshTable } from '../support/emulator-context';

/**
 * Point 14 of issue 10, on DynamoDB Local: every TransactWriteItems carries a
 * ClientRequestToken, so a retry of a transaction that committed is answered as the success it
 * was instead of being cancelled on the conditions it changed itself.
 */
const at = '2026-03-06T09:00:00.000Z';
const pending = (campaignId: string, subscriberId: string): Recipient => ({
  campaignId,
  subscriberId,
  email: `${subscriberId}@example.org`,
  listIds: ['l1'],
  status: 'pending',
  updatedAt: at,
});

/** The answers of the first `lose` TransactWriteItems (1 unless told) are lost after DynamoDB committed them. */
function loseFirstTransactionAnswer(
  client: import('@aws-sdk/client-dynamodb').DynamoDBClient,
  options: { freshTokenPerAttempt?: boolean; lose?: number } = {},
) {
  const tokens: string[] = [];
  let lost = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if ((context as { commandName?: string }).commandName !== 'TransactWriteItemsCommand') return next(args);
      const request = args.request as { body: string };
      if (options.freshTokenPerAttempt) {
        // what a client would send that drew a new token for each attempt
        const body = JSON.parse(request.body) as { ClientRequestToken?: string };
        // same length, so the Content-Length already computed still holds
        body.ClientRequestToken = `fresh-${tokens.length}-`.padEnd(String(body.ClientRequestToken).length, 'x');
        request.body = JSON.stringify(body);
      }
      tokens.push(String((JSON.parse(request.body) as { ClientRequestToken?: string }).ClientRequestToken));
      const result = await next(args);
      if (lost++ < (options.lose ?? 1)) {
        throw Object.assign(new Error('socket hang up after the transaction committed'), {
          name: 'TimeoutError',
          code: 'ECONNRESET',
          $metadata: {},
        });
      }
      return result;
    },
    // inside the retry middleware: runs once per attempt, on the request as sent
    { step: 'deserialize', name: 'loseFirstTransactionAnswer' },
  );
  return { tokens };
}

describe('ClientRequestToken on TransactWriteItems (DynamoDB Local)', () => {
  it('accepts the same transaction sent twice with the same token, applying it once; another token is a new transaction', async () => {
    const { client, tableName } = await freshTable('tokens');
    const doc = DynamoDBDocumentClient.from(client);
    const store = new DynamoStore(client, tableName);
    await store.addRecipients('c1', [pending('c1', 's1')], 'new');
    const claimAndCount = (token: string, extra = 1) =>
      doc.send(
        new TransactWriteCommand({
          ClientRequestToken: token,
          TransactItems: [
            {
              Update: {
                TableName: tableName,
                Key: keys.recipient('c1', 's1'),
                UpdateExpression: 'SET #s = :sending',
                ConditionExpression: '#s = :pending',
                ExpressionAttributeNames: { '#s': 'status' },
                ExpressionAttributeValues: { ':sending': 'sending', ':pending': 'pending' },
              },
            },
            {
              Update: {
                TableName: tableName,
                Key: { pk: 'COUNTER#c1', sk: '#COUNTER' },
                UpdateExpression: 'ADD n :one',
                ExpressionAttributeValues: { ':one': extra },
              },
            },
          ],
        }),
      );

    await claimAndCount('claim-c1-s1-attempt-1');
    await claimAndCount('claim-c1-s1-attempt-1'); // a retry: accepted, not applied again

    const counter = await doc.send(
      new GetCommand({ TableName: tableName, Key: { pk: 'COUNTER#c1', sk: '#COUNTER' }, ConsistentRead: true }),
    );
    expect(counter.Item?.n).toBe(1);
    expect((await store.getRecipient('c1', 's1'))?.status).toBe('sending');
    await expect(claimAndCount('claim-c1-s1-attempt-2')).rejects.toBeInstanceOf(TransactionCanceledException);
    await expect(claimAndCount('claim-c1-s1-attempt-1', 2)).rejects.toBeInstanceOf(IdempotentParameterMismatchException);
  });

  it('reports a group claim as made by this call when the SDK retried it after it committed', async () => {
    const { client, tableName } = await freshTable('tokens');
    const store = new DynamoStore(client, tableName);
    const ids = ['a', 'b', 'c', 'd'];
    await store.addRecipients(
      'c1',
      ids.map((id) => pending('c1', id)),
      'new',
    );
    const { tokens } = loseFirstTransactionAnswer(client);

    const claimed = await store.claimRecipients('c1', ids, at);

    expect(tokens).toHaveLength(2); // the attempt whose answer was lost, and the SDK's retry
    expect(tokens[1]).toBe(tokens[0]);
    expect(tokens[0]).toMatch(/^[\w-]{1,36}$/);
    expect(claimed).toEqual(new Set(ids));
    expect((await store.tallyLedger('c1')).counts).toMatchObject({ pending: 0, sending: 4 });
  });

  it('sends the same transaction with the same token again when every SDK retry lost its answer too, and still reports the claims', async () => {
    const { client, tableName } = await freshTable('tokens');
    const store = new DynamoStore(client, tableName);
    const ids = ['a', 'b', 'c'];
    await store.addRecipients(
      'c1',
      ids.map((id) => pending('c1', id)),
      'new',
    );
    // the SDK makes 3 attempts by default: all 3 answers lost, the store's own next send answered
    const { tokens } = loseFirstTransactionAnswer(client, { lose: 3 });

    const claimed = await store.claimRecipients('c1', ids, at);

    expect(tokens).toHaveLength(4);
    expect(new Set(tokens).size).toBe(1);
    expect(claimed).toEqual(new Set(ids));
    expect((await store.tallyLedger('c1')).counts).toMatchObject({ pending: 0, sending: 3 });
  });

  it('with another token on the retry, the same retry would be cancelled and the claims reported as someone else’s (why the token matters)', async () => {
    const { client, tableName } = await freshTable('tokens');
    const store = new DynamoStore(client, tableName);
    const ids = ['a', 'b', 'c', 'd'];
    await store.addRecipients(
      'c1',
      ids.map((id) => pending('c1', id)),
      'new',
    );
    loseFirstTransactionAnswer(client, { freshTokenPerAttempt: true });

    const claimed = await store.claimRecipients('c1', ids, at);

    // all four are `sending` (the first attempt committed), yet this call reports none of them:
    // they would sit claimed and unsent until reconciliation
    expect(claimed).toEqual(new Set());
    expect((await store.tallyLedger('c1')).counts).toMatchObject({ pending: 0, sending: 4 });
  });
});
