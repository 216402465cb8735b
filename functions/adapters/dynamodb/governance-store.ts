import { randomUUID } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Actor } from '../../domain/actor';
import type { AnnouncementPlan } from '../../domain/announcement-plan';
import type { AuditEntry } from '../../domain/audit';
import type { GovernanceStore, Page } from '../../ports';
import { gsi, keys } from './keys';
import { strip, type TableAccess } from './table-access';

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
}

/** One item per setting (a handful in all). */
const settingKey = (name: string) => ({ pk: `SETTING#${name}`, sk: '#SETTING' });

/** Plans listed newest first: one index partition (a press office plans a few events a year). */
const planIndex = (plan: AnnouncementPlan) => ({ gsi1pk: gsi.plans, gsi1sk: `${plan.createdAt}#${plan.id}` });
