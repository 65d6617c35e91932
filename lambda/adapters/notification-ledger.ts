/**
 * NotificationLedger on the table itself: an event is pending while it carries the sparse `pendingNotifications`
 * index keys (gsi2pk/gsi2sk); marking removes them and records `notifiedAt`, conditionally so that two markers
 * (fan-out retry, re-drive) can tell who won.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ItemKey, NotificationLedger } from '../core/fanout';
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
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: key.pk, sk: key.sk },
          UpdateExpression: 'REMOVE #p, #s SET notifiedAt = :at',
          ConditionExpression: 'attribute_exists(#p)',
          ExpressionAttributeNames: { '#p': partitionKey, '#s': sortKey },
          ExpressionAttributeValues: { ':at': notifiedAtIso },
        }),
      );
      return 'marked';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'already';
      throw error;
    }
  }

  async markUndeliverable(key: ItemKey, reason: string, atIso: string): Promise<'marked' | 'already'> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: key.pk, sk: key.sk },
          UpdateExpression: 'SET undeliverable = :reason, parkedAt = :at',
          // Only while still pending (and never creating an item from a bad key).
          ConditionExpression: 'attribute_exists(#p)',
          ExpressionAttributeNames: { '#p': partitionKey },
          // Bounded: a reason quotes schema paths or an SNS error, never the payload.
          ExpressionAttributeValues: { ':reason': reason.slice(0, 1000), ':at': atIso },
        }),
      );
      return 'marked';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'already';
      throw error;
    }
  }
}
