/**
 * NotificationLedger on the table itself: an event is pending while it carries the sparse `pendingNotifications`
 * index keys (gsi2pk/gsi2sk); marking removes them and records `notifiedAt`, conditionally so that two markers
 * (fan-out retry, re-drive) can tell who won.
 */
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ItemKey, NotificationLedger } from '../core/fanout';
import { isConditionFailure } from './dynamo-client';
import { tableSchema } from '../contracts';

const { partitionKey, sortKey } = tableSchema.pendingIndex;

export class DynamoNotificationLedger implements NotificationLedger {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async isPending(key: ItemKey): Promise<boolean> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: key.pk, sk: key.sk },
        // A retried batch must see the mark the previous attempt wrote.
        ConsistentRead: true,
        ProjectionExpression: '#p',
        ExpressionAttributeNames: { '#p': partitionKey },
      }),
    );
    return out.Item?.[partitionKey] !== undefined;
  }

  async markNotified(key: ItemKey, notifiedAtIso: string): Promise<'marked' | 'already'> {
    return this.updateWhilePending(key, 'REMOVE #p, #s SET notifiedAt = :at', { '#s': sortKey }, { ':at': notifiedAtIso });
  }

  async markUndeliverable(key: ItemKey, reason: string, atIso: string): Promise<'marked' | 'already'> {
    // Bounded: a reason quotes schema paths or an SNS error, never the payload.
    return this.updateWhilePending(key, 'SET undeliverable = :reason, parkedAt = :at', {}, { ':reason': reason.slice(0, 1000), ':at': atIso });
  }

  /** An update applied only while the item is still pending (never creating one from a bad key); `already` if not. */
  private async updateWhilePending(key: ItemKey, update: string, names: Record<string, string>, values: Record<string, string>): Promise<'marked' | 'already'> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: key.pk, sk: key.sk },
          UpdateExpression: update,
          ConditionExpression: 'attribute_exists(#p)',
          ExpressionAttributeNames: { '#p': partitionKey, ...names },
          ExpressionAttributeValues: values,
        }),
      );
      return 'marked';
    } catch (error) {
      if (isConditionFailure(error)) return 'already';
      throw error;
    }
  }
}
