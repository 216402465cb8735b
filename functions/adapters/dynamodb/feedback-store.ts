import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CampaignStore, DeliveryCounter, FeedbackStore } from '../../ports';
import { keys } from './keys';
import { isConditionFailure, type TableAccess } from './table-access';

/** What SES events leave: events seen once, claims settled from Send events, delivery and transient-bounce counts. */
export class DynamoFeedbackStore implements FeedbackStore {
  constructor(
    private readonly table: TableAccess,
    private readonly ledger: Pick<CampaignStore, 'settleRecipient' | 'addToCounts'>,
  ) {}

  async markEventSeen(key: string): Promise<boolean> {
    try {
      await this.table.doc.send(
        new PutCommand({
          TableName: this.table.tableName,
          Item: { ...keys.seenEvent(key), type: 'seen-event', ttl: Math.floor(Date.now() / 1000) + 30 * 86_400 },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (e: unknown) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }

  async settleIfSending(campaignId: string, subscriberId: string, messageId: string, at: string): Promise<boolean> {
    // Nearly every Send event comes after the worker recorded the mail. An eventually consistent
    // read (half a read unit) tells so for far less than the refused conditional write it saves
    // (a whole write unit). Only `sent` is trusted from it, because a sent recipient never goes
    // back; any other answer, stale or not, gets the conditional write as before.
    const seen = await this.table.doc.send(
      new GetCommand({
        TableName: this.table.tableName,
        Key: keys.recipient(campaignId, subscriberId),
        ProjectionExpression: '#s',
        ExpressionAttributeNames: { '#s': 'status' },
      }),
    );
    if (seen.Item?.status === 'sent') return false;
    if (!(await this.ledger.settleRecipient(campaignId, subscriberId, { status: 'sent', messageId }, at))) return false;
    await this.ledger.addToCounts(campaignId, { sending: -1, sent: 1 }, 'unfinished');
    return true;
  }

  async countDelivery(campaignId: string, counter: DeliveryCounter): Promise<void> {
    await this.table.doc
      .send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: keys.campaign(campaignId),
          UpdateExpression: `ADD d_${counter} :one`,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':one': 1 },
        }),
      )
      .catch((e: unknown) => {
        if (!isConditionFailure(e)) throw e;
      });
  }

  async countTransientBounce(email: string): Promise<number> {
    const r = await this.table.doc.send(
      new UpdateCommand({
        TableName: this.table.tableName,
        Key: keys.transientBounces(this.table.hmac(email)),
        UpdateExpression: 'ADD bounces :one SET #t = :type',
        ExpressionAttributeNames: { '#t': 'type' },
        ExpressionAttributeValues: { ':one': 1, ':type': 'transient-bounces' },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(r.Attributes?.bounces ?? 1);
  }
}
