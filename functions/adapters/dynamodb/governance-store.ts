import { randomUUID } from 'node:crypto';
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Actor } from '../../domain/actor';
import type { AnnouncementPlan } from '../../domain/announcement-plan';
import type { ApiTokenRecord } from '../../domain/api-token';
import type { AuditEntry } from '../../domain/audit';
import type { Segment } from '../../domain/segment';
import type { GovernanceStore, Page } from '../../ports';
import { gsi, keys } from './keys';
import { isConditionFailure, strip, type TableAccess } from './table-access';

/** The audit log (one partition per month), API tokens by hash, announcement plans. */
export class DynamoGovernanceStore implements GovernanceStore {
  constructor(private readonly table: TableAccess) {}

  async appendAudit(entry: AuditEntry): Promise<void> {
    await this.table.doc.send(
      new PutCommand({
        TableName: this.table.tableName,
        Item: { ...keys.audit(entry.at.slice(0, 7), entry.at, randomUUID().slice(0, 8)), type: 'audit', ...entry },
      }),
    );
  }

  async listAudit(month: string): Promise<AuditEntry[]> {
    const items = await this.table.queryAll({ KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': `AUDIT#${month}` } });
    return items.map((i) => strip<AuditEntry>(i));
  }

  async putApiToken(tokenHash: string, actor: Actor): Promise<void> {
    await this.table.doc.send(
      new PutCommand({
        TableName: this.table.tableName,
        Item: { ...keys.apiToken(tokenHash), type: 'api-token', ...actor },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async actorByTokenHash(tokenHash: string): Promise<Actor | undefined> {
    const item = await this.table.get<Actor>(keys.apiToken(tokenHash));
    return item ? { id: item.id, name: item.name, role: item.role } : undefined;
  }

  async putPlan(plan: AnnouncementPlan): Promise<void> {
    await this.table.doc.send(
      new PutCommand({ TableName: this.table.tableName, Item: { ...keys.plan(plan.id), ...planIndex(plan), type: 'plan', ...plan } }),
    );
  }

  getPlan(id: string): Promise<AnnouncementPlan | undefined> {
    return this.table.get<AnnouncementPlan>(keys.plan(id));
  }

  async listPlans(options: { limit?: number; cursor?: string } = {}): Promise<Page<AnnouncementPlan>> {
    const page = await this.table.query(
      {
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :p',
        ExpressionAttributeValues: { ':p': gsi.plans },
        ScanIndexForward: false,
        Limit: options.limit ?? 50,
      },
      options.cursor,
    );
    return { items: page.items.map((i) => strip<AnnouncementPlan>(i)), cursor: page.cursor };
  }

  async getSetting(name: string): Promise<unknown> {
    return (await this.table.get<{ value?: unknown }>(settingKey(name)))?.value;
  }

  async putSetting(name: string, value: unknown, at: string): Promise<void> {
    await this.table.doc.send(
      new PutCommand({ TableName: this.table.tableName, Item: { ...settingKey(name), type: 'setting', name, value, updatedAt: at } }),
    );
  }

  async putApiTokenRecord(tokenHash: string, record: ApiTokenRecord): Promise<void> {
    await this.table.doc.send(
      new PutCommand({
        TableName: this.table.tableName,
        Item: {
          ...keys.apiToken(tokenHash),
          gsi1pk: apiTokensIndex,
          gsi1sk: `${record.createdAt}#${record.id}`,
          type: 'api-token',
          ...record,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async apiTokenByHash(tokenHash: string): Promise<ApiTokenRecord | undefined> {
    const item = await this.table.get<Record<string, unknown>>(keys.apiToken(tokenHash));
    return item ? apiTokenRecordOf(item) : undefined;
  }

  async listApiTokens(): Promise<ApiTokenRecord[]> {
    const items = await this.table.queryAll({
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :p',
      ExpressionAttributeValues: { ':p': apiTokensIndex },
      ScanIndexForward: false,
    });
    return items.map(apiTokenRecordOf);
  }

  async revokeApiToken(id: string, at: string): Promise<ApiTokenRecord | undefined> {
    // A handful of tokens: the index partition is read whole to find the item (its key is the hash).
    const items = await this.table.queryAll({
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :p',
      FilterExpression: 'id = :id',
      ExpressionAttributeValues: { ':p': apiTokensIndex, ':id': id },
    });
    const item = items[0];
    if (!item) return undefined;
    const r = await this.table.doc.send(
      new UpdateCommand({
        TableName: this.table.tableName,
        Key: { pk: item.pk, sk: item.sk },
        UpdateExpression: 'SET revokedAt = if_not_exists(revokedAt, :at)',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':at': at },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return r.Attributes ? apiTokenRecordOf(r.Attributes) : undefined;
  }

  async touchApiToken(tokenHash: string, at: string, unlessUsedSince: string): Promise<void> {
    try {
      await this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: keys.apiToken(tokenHash),
          UpdateExpression: 'SET lastUsedAt = :at',
          ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(lastUsedAt) OR lastUsedAt < :since)',
          ExpressionAttributeValues: { ':at': at, ':since': unlessUsedSince },
        }),
      );
    } catch (e: unknown) {
      if (!isConditionFailure(e)) throw e;
    }
  }

  async putSegment(segment: Segment): Promise<void> {
    await this.table.doc.send(
      new PutCommand({
        TableName: this.table.tableName,
        Item: {
          ...segmentKey(segment.id),
          gsi1pk: segmentsIndex,
          gsi1sk: `${segment.name.toLowerCase()}#${segment.id}`,
          type: 'segment',
          ...segment,
        },
      }),
    );
  }

  getSegment(id: string): Promise<Segment | undefined> {
    return this.table.get<Segment>(segmentKey(id));
  }

  async listSegments(): Promise<Segment[]> {
    const items = await this.table.queryAll({
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :p',
      ExpressionAttributeValues: { ':p': segmentsIndex },
    });
    return items.map((i) => strip<Segment>(i));
  }

  async deleteSegment(id: string): Promise<void> {
    await this.table.doc.send(new DeleteCommand({ TableName: this.table.tableName, Key: segmentKey(id) }));
  }
}

/** Segments: one item each, listed by name from one index partition (a few dozen at most). */
const segmentKey = (id: string) => ({ pk: `SEGMENT#${id}`, sk: '#SEGMENT' });
const segmentsIndex = 'SEGMENTS';

/** One item per setting (a handful in all). */
const settingKey = (name: string) => ({ pk: `SETTING#${name}`, sk: '#SETTING' });

/** Plans listed newest first: one index partition (a press office plans a few events a year). */
const planIndex = (plan: AnnouncementPlan) => ({ gsi1pk: gsi.plans, gsi1sk: `${plan.createdAt}#${plan.id}` });

/** API tokens listed newest first: one index partition (an office has a handful of tokens). */
const apiTokensIndex = 'APITOKENS';

/** The listed fields only: never the key, which holds the token's hash. */
const apiTokenRecordOf = (item: Record<string, unknown>): ApiTokenRecord => {
  const s = (k: string) => (typeof item[k] === 'string' ? (item[k] as string) : undefined);
  return {
    id: String(item.id),
    name: String(item.name),
    role: item.role as ApiTokenRecord['role'],
    // Tokens stored before details were kept have no creation date.
    createdAt: s('createdAt') ?? '',
    ...(s('expiresAt') ? { expiresAt: s('expiresAt') } : {}),
    ...(s('revokedAt') ? { revokedAt: s('revokedAt') } : {}),
    ...(s('lastUsedAt') ? { lastUsedAt: s('lastUsedAt') } : {}),
    ...(s('createdBy') ? { createdBy: s('createdBy') } : {}),
  };
};
