/**
 * WatchdogStore on DynamoDB: a Query of the byStatus index (never a Scan; KEYS_ONLY, so the states it names are read
 * back with consistent BatchGetItem) and one TransactWriteItems per stall
 * (Put of the stall event if absent + conditional Update of the state). IAM-wise a transaction needs nothing but
 * PutItem and UpdateItem on the table. It costs twice the write units of plain writes, which for a rare event buys
 * the guarantee that no stall notifies for a job whose state a real event moved meanwhile.
 */
import { QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { StateItemSchema, type EventItem, type StateItem } from '../core/items';
import { keys, tableSchema } from '../contracts';
import type { StateTransition } from '../core/state-transition';
import type { StallWriteOutcome, SweepableStatus, WatchdogStore } from '../core/watchdog';
import { ITEM_ABSENT_CONDITION, stateUpdateRequest } from './state-update-expressions';
import { cancellationCodes, storageUnavailable } from './dynamo-client';
import { readItemsByKey, type Key } from './dynamo-job-queries';

export class DynamoWatchdogStore implements WatchdogStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * States that entered `status` before `sortKeyBefore`, oldest entry first. The index lags the table and holds keys
   * only: each hit is read back, and one that left `status` meanwhile is dropped (it is not in `status` any more).
   */
  async statesBefore(status: SweepableStatus, sortKeyBefore: string, limit: number): Promise<{ states: StateItem[]; invalid: number }> {
    const index = tableSchema.statusIndex;
    const hits: Key[] = [];
    let startKey: Record<string, unknown> | undefined;
    try {
      do {
        const out = await this.doc.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: index.name,
            KeyConditionExpression: '#pk = :status AND #sk < :before',
            ExpressionAttributeNames: { '#pk': index.partitionKey, '#sk': index.sortKey },
            ExpressionAttributeValues: { ':status': keys.status(status), ':before': sortKeyBefore },
            // Oldest first: when more are due than one sweep takes, the longest-waiting go first.
            ScanIndexForward: true,
            Limit: limit - hits.length,
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          }),
        );
        for (const item of out.Items ?? []) hits.push({ pk: String(item.pk), sk: String(item.sk) });
        startKey = out.LastEvaluatedKey;
      } while (startKey !== undefined && hits.length < limit);
    } catch (error) {
      throw storageUnavailable('Query', error);
    }
    const states: StateItem[] = [];
    let invalid = 0;
    for (const item of await readItemsByKey(this.doc, this.tableName, hits)) {
      const parsed = StateItemSchema.safeParse(item);
      if (!parsed.success) invalid += 1;
      else if (parsed.data.status === status) states.push(parsed.data);
    }
    return { states, invalid };
  }

  async writeStall(event: EventItem, state: StateTransition): Promise<StallWriteOutcome> {
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: this.tableName, Item: event, ConditionExpression: ITEM_ABSENT_CONDITION } },
            { Update: { TableName: this.tableName, ...stateUpdateRequest(state) } },
          ],
        }),
      );
      return 'stalled';
    } catch (error) {
      const outcome = cancelledOutcome(error);
      if (outcome !== undefined) return outcome;
      throw storageUnavailable('TransactWriteItems', error);
    }
  }
}

/**
 * A cancelled transaction whose reasons are only lost conditions or conflicts is an answer, not a failure: the stall
 * exists already (another sweep, or the index lagging our own write), or the state moved on. Anything else throws.
 */
function cancelledOutcome(error: unknown): StallWriteOutcome | undefined {
  const codes = cancellationCodes(error);
  if (codes === undefined) return undefined;
  const benign = codes.every((code) => code === undefined || code === 'None' || code === 'ConditionalCheckFailed' || code === 'TransactionConflict');
  if (!benign || codes.length === 0) return undefined;
  return codes[0] === 'ConditionalCheckFailed' ? 'already' : 'superseded';
}
