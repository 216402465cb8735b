import { ConditionalCheckFailedException, type DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '../../domain/errors';
import { EmailTakenError, type SessionRecord, sessionExpiresAtSeconds, type UserAccount } from '../../domain/user-account';
import type { UserStore } from '../../ports';
import { fullItemsOf } from './table-access';

/**
 * Keys of the workspace's accounts and sessions in the single table:
 * - account by id: pk = `USER#<id>`, sk = `#USER`; all accounts: gsi1pk = `USERS`, gsi1sk = `<name>#<id>`
 * - account by address: pk = `USEREMAIL#<normalised email>` (uniqueness guard holding the id)
 * - "an account was ever created": pk = `USERS#FIRST` (makes the first admin a one-time thing)
 * - session: pk = `WSESSION#<sha-256 of the cookie token>`, with a TTL at its absolute end
 */
export const userKeys = {
  user: (id: string) => ({ pk: `USER#${id}`, sk: '#USER' }),
  email: (email: string) => ({ pk: `USEREMAIL#${email}`, sk: '#USEREMAIL' }),
  firstUser: { pk: 'USERS#FIRST', sk: '#USERS' },
  session: (id: string) => ({ pk: `WSESSION#${id}`, sk: '#WSESSION' }),
  allUsers: 'USERS',
} as const;

type Item = Record<string, unknown>;
const storage = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'type', 'ttl'];
const strip = <T>(item: Item): T => {
  const copy: Item = { ...item };
  for (const a of storage) delete copy[a];
  return copy as T;
};

const conditionFailed = (e: unknown) => e instanceof ConditionalCheckFailedException;

export class DynamoUserStore implements UserStore {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  private userItem(user: UserAccount): Item {
    return {
      ...userKeys.user(user.id),
      type: 'user',
      gsi1pk: userKeys.allUsers,
      gsi1sk: `${user.name.toLocaleLowerCase('fr')}#${user.id}`,
      ...user,
    };
  }

  /** Account, address guard and the "first account made" mark in one transaction. */
  private async create(user: UserAccount, firstOnly: boolean): Promise<void> {
    const TableName = this.tableName;
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName, Item: this.userItem(user), ConditionExpression: 'attribute_not_exists(pk)' } },
            {
              Put: {
                TableName,
                Item: { ...userKeys.email(user.email), type: 'user-email', userId: user.id },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Put: {
                TableName,
                Item: { ...userKeys.firstUser, type: 'users-mark', at: user.createdAt },
                ...(firstOnly ? { ConditionExpression: 'attribute_not_exists(pk)' } : {}),
              },
            },
          ],
        }),
      );
    } catch (e: unknown) {
      if (e instanceof TransactionCanceledException) {
        const [byId, byEmail, first] = (e.CancellationReasons ?? []).map((r) => r.Code === 'ConditionalCheckFailed');
        if (first) throw new FirstUserExists();
        if (byEmail) throw new EmailTakenError();
        if (byId) throw new ConflictError(`account id ${user.id} already exists`);
      }
      throw e;
    }
  }

  async createUser(user: UserAccount): Promise<void> {
    await this.create(user, false);
  }

  async createFirstUser(user: UserAccount): Promise<boolean> {
    try {
      await this.create(user, true);
      return true;
    } catch (e: unknown) {
      if (e instanceof FirstUserExists) return false;
      throw e;
    }
  }

  async getUser(id: string): Promise<UserAccount | undefined> {
    const r = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: userKeys.user(id), ConsistentRead: true }));
    return r.Item ? strip<UserAccount>(r.Item) : undefined;
  }

  async getUserByEmail(email: string): Promise<UserAccount | undefined> {
    const r = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: userKeys.email(email), ConsistentRead: true }));
    const id = r.Item?.userId;
    return typeof id === 'string' ? this.getUser(id) : undefined;
  }

  async listUsers(): Promise<UserAccount[]> {
    const out: UserAccount[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const r = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :p',
          ExpressionAttributeValues: { ':p': userKeys.allUsers },
          ExclusiveStartKey: start,
        }),
      );
      // gsi1 holds keys, email and id only (see gsi1Projection): the accounts are read back by key.
      for (const item of await fullItemsOf(this.doc, this.tableName, r.Items ?? [])) out.push(strip<UserAccount>(item));
      start = r.LastEvaluatedKey;
    } while (start);
    return out;
  }

  async changeUser(id: string, change: { role?: UserAccount['role']; status?: UserAccount['status'] }, at: string) {
    const sets = ['updatedAt = :at'];
    const values: Item = { ':at': at, ':one': 1 };
    // DynamoDB refuses a name that the expression does not use: only the changed ones are named.
    const names: Record<string, string> = {};
    if (change.role) {
      sets.push('#role = :role');
      values[':role'] = change.role;
      names['#role'] = 'role';
    }
    if (change.status) {
      sets.push('#status = :status');
      values[':status'] = change.status;
      names['#status'] = 'status';
    }
    try {
      const r = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: userKeys.user(id),
          UpdateExpression: `SET ${sets.join(', ')} ADD sessionEpoch :one`,
          ConditionExpression: 'attribute_exists(pk)',
          ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return r.Attributes ? strip<UserAccount>(r.Attributes) : undefined;
    } catch (e: unknown) {
      if (conditionFailed(e)) return undefined;
      throw e;
    }
  }

  async endSessionsOf(id: string, at: string): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: userKeys.user(id),
          UpdateExpression: 'SET updatedAt = :at ADD sessionEpoch :one',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':at': at, ':one': 1 },
        }),
      );
    } catch (e: unknown) {
      if (!conditionFailed(e)) throw e;
    }
  }

  async setInvitation(id: string, nonce: string, at: string): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: userKeys.user(id),
          UpdateExpression: 'SET invitationNonce = :n, updatedAt = :at',
          ConditionExpression: 'attribute_exists(pk) AND #status = :invited',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':n': nonce, ':at': at, ':invited': 'invited' },
        }),
      );
      return true;
    } catch (e: unknown) {
      if (conditionFailed(e)) return false;
      throw e;
    }
  }

  async acceptInvitation(id: string, nonce: string, passwordHash: string, at: string): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: userKeys.user(id),
          UpdateExpression: 'SET #status = :active, passwordHash = :h, updatedAt = :at REMOVE invitationNonce',
          ConditionExpression: '#status = :invited AND invitationNonce = :n',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':active': 'active', ':invited': 'invited', ':h': passwordHash, ':at': at, ':n': nonce },
        }),
      );
      return true;
    } catch (e: unknown) {
      if (conditionFailed(e)) return false;
      throw e;
    }
  }

  async putSession(session: SessionRecord): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...userKeys.session(session.id), type: 'session', ttl: sessionExpiresAtSeconds(session), ...session },
      }),
    );
  }

  async getSession(id: string): Promise<SessionRecord | undefined> {
    const r = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: userKeys.session(id), ConsistentRead: true }));
    return r.Item ? strip<SessionRecord>(r.Item) : undefined;
  }

  async touchSession(id: string, at: string): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: userKeys.session(id),
          UpdateExpression: 'SET lastSeenAt = :at',
          // never brings back a session deleted meanwhile (sign-out)
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':at': at },
        }),
      );
    } catch (e: unknown) {
      if (!conditionFailed(e)) throw e;
    }
  }

  async deleteSession(id: string): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: userKeys.session(id) }));
  }
}

class FirstUserExists extends Error {}
