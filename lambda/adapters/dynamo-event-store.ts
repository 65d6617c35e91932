/**
 * EventStore on DynamoDB: one event item per distinct event, one state item per job, no transactions.
 * Every step is idempotent, so a retry after a half-done write (event stored, state not moved) completes it.
 *
 * Both paths read the job's state first (consistent GetItem: 1 read unit, a fifth of the price of a write unit) and
 * then write the state as a compare-and-set on what they read. Knowing the current status is what makes an event
 * that keeps it cheap: the status index (KEYS_ONLY, keyed on when the job entered its status) is not touched.
 *
 * Write units per event, measured on DynamoDB Local with ReturnConsumedCapacity (items under 1 KB; this Local build
 * reports GSI writes like AWS: 1 per index insert, 2 when an index key changes, 0 when no index key changes):
 * - first event of a job:         1 (event) + 1 (state) + 1 (byStatus insert) = 3
 * - same status (Contentor downloading → processing → uploading): 1 (event) + 1 (state) = 2
 * - status change:                1 + 1 + 2 (byStatus delete + insert) = 4
 * - terminal status change:       as above + 1 (pendingNotifications insert) = 5
 * - duplicate the state reflects: 0 (decided from the read)
 * - late (older) Contentor event: 1 (event only; the read says the state is newer)
 * - a Contentor duplicate of an older event: 1, estimated: AWS charges a write whose condition fails (at least 1
 *   unit) but returns no ConsumedCapacity with the error, so each failed condition adds 1 (also on a lost race).
 */
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import { DependencyError } from '../core/errors';
import { storageUnavailable } from './dynamo-client';
import { buildEventItem, isNewerThanState, placeBySequence, placeByTimestamp, stateUpdateFor } from '../core/event-items';
import { EventItemSchema, StateItemSchema, type EventItem, type StateItem } from '../core/items';
import type { NormalisedEvent, StoreOutcome } from '../core/model';
import type { EventStore } from '../core/ports';
import { keys } from '../core/table-schema';

/** Options for {@link DynamoEventStore}. */
export interface DynamoEventStoreOptions {
  /** Document client from `makeDocumentClient` (removeUndefinedValues marshalling). */
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** Days an event item is kept before TTL removes it. */
  readonly retentionDays: number;
  /**
   * Panjaya: how many sequence slots to try when concurrent events keep taking the next one.
   * @default 8
   */
  readonly maxSequenceAttempts?: number;
  /**
   * How many compare-and-set state writes to try when concurrent writers keep changing the state in between.
   * @default 8
   */
  readonly maxStateAttempts?: number;
}

/** StoreOutcome plus the read units the call consumed (reads are priced apart from writes). */
export type DynamoStoreOutcome = StoreOutcome & { readUnits: number };

/** Write units charged for a write whose condition failed; AWS bills it but does not report it. */
const FAILED_CONDITION_WRITE_UNITS = 1;

class CapacityMeter {
  writeUnits = 0;
  readUnits = 0;
  addWrite(consumed: ConsumedCapacity | undefined): void {
    this.writeUnits += consumed?.CapacityUnits ?? 0;
  }
  addRead(consumed: ConsumedCapacity | undefined): void {
    this.readUnits += consumed?.CapacityUnits ?? 0;
  }
}

function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

export class DynamoEventStore implements EventStore {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly retentionDays: number;
  private readonly maxSequenceAttempts: number;
  private readonly maxStateAttempts: number;

  constructor(options: DynamoEventStoreOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
    this.retentionDays = options.retentionDays;
    this.maxSequenceAttempts = options.maxSequenceAttempts ?? 8;
    this.maxStateAttempts = options.maxStateAttempts ?? 8;
  }

  /** Stores `event` received at `receivedAt` (ISO): accepted once, duplicate after; throws DependencyError on outage. */
  async store(event: NormalisedEvent, receivedAt: string): Promise<DynamoStoreOutcome> {
    const meter = new CapacityMeter();
    const result =
      event.ordering === 'arrival-sequence' ? await this.storeBySequence(event, receivedAt, meter) : await this.storeByTimestamp(event, receivedAt, meter);
    return { ...result, writeUnits: meter.writeUnits, readUnits: meter.readUnits };
  }

  /**
   * Contentor: the event id and sort key follow from the content, so the conditional put alone detects a duplicate.
   * The state is read first: when it already reflects this very event, the delivery is a duplicate and nothing is
   * written. Otherwise the state step runs either way: on a duplicate put it completes a write whose state step
   * failed earlier (on that path the state's receive time is the retry's); it writes nothing when the state is newer.
   */
  private async storeByTimestamp(event: NormalisedEvent, receivedAt: string, meter: CapacityMeter): Promise<Omit<StoreOutcome, 'writeUnits'>> {
    const item = buildEventItem(event, placeByTimestamp(event, receivedAt), receivedAt, this.retentionDays);
    const state = await this.getState(item.pk, item.jobId, meter);
    // The state only ever points at a stored event, so the event item is there: a duplicate, at no write cost.
    if (state?.orderKey === item.orderKey) return { outcome: 'duplicate', eventId: item.eventId };
    const created = await this.putIfAbsent(item, meter);
    await this.applyState(item, event.ordering, state, meter);
    return { outcome: created ? 'accepted' : 'duplicate', eventId: item.eventId };
  }

  /**
   * Panjaya (no event id, no timestamp): an identical body is a duplicate only while the job has not moved on, so
   * the event takes the job's next sequence slot. A slot already taken means either our own earlier half-done attempt
   * (same content: finish it, duplicate) or a concurrent event (help finish its state update so a crashed writer
   * never blocks the job, then try the next slot).
   */
  private async storeBySequence(event: NormalisedEvent, receivedAt: string, meter: CapacityMeter): Promise<Omit<StoreOutcome, 'writeUnits'>> {
    const pk = keys.partition(event.provider, event.partitionId);
    for (let attempt = 0; attempt < this.maxSequenceAttempts; attempt++) {
      const state = await this.getState(pk, event.jobId, meter);
      if (state?.lastContentHash === event.contentHash) return { outcome: 'duplicate', eventId: state.eventId };

      const item = buildEventItem(event, placeBySequence(event, receivedAt, (state?.seq ?? 0) + 1), receivedAt, this.retentionDays);
      if (await this.putIfAbsent(item, meter)) {
        await this.applyState(item, event.ordering, state, meter);
        return { outcome: 'accepted', eventId: item.eventId };
      }
      const occupant = await this.getEvent(item.pk, item.sk, meter);
      // Absent: expired by TTL between the put and the read; the next round re-reads the state.
      if (occupant === undefined) continue;
      await this.applyState(occupant, event.ordering, state, meter);
      if (occupant.contentHash === event.contentHash) return { outcome: 'duplicate', eventId: occupant.eventId };
    }
    throw new DependencyError('storage_unavailable', 'too many concurrent events for this job, retry later', {
      jobId: event.jobId,
      attempts: this.maxSequenceAttempts,
    });
  }

  /** True when the item was written, false when an item with that key already existed. */
  private async putIfAbsent(item: EventItem, meter: CapacityMeter): Promise<boolean> {
    try {
      const out = await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      meter.addWrite(out.ConsumedCapacity);
      return true;
    } catch (error) {
      if (!isConditionFailure(error)) throw storageUnavailable('PutItem', error);
      meter.writeUnits += FAILED_CONDITION_WRITE_UNITS;
      return false;
    }
  }

  /**
   * Moves the job's state to `item` if it is newer than `known` (the state as read before; undefined = none). The
   * write is a compare-and-set on `known`; when another writer changed the state in between, the state is re-read
   * and the decision taken again, a bounded number of times (DependencyError after, so the provider retries).
   */
  private async applyState(item: EventItem, ordering: NormalisedEvent['ordering'], known: StateItem | undefined, meter: CapacityMeter): Promise<void> {
    let current = known;
    for (let attempt = 0; attempt < this.maxStateAttempts; attempt++) {
      if (current !== undefined && !isNewerThanState(item, current, ordering)) return;
      try {
        const out = await this.client.send(new UpdateCommand({ TableName: this.tableName, ...stateUpdateFor(item, ordering, current), ReturnConsumedCapacity: 'TOTAL' }));
        meter.addWrite(out.ConsumedCapacity);
        return;
      } catch (error) {
        if (!isConditionFailure(error)) throw storageUnavailable('UpdateItem', error);
        meter.writeUnits += FAILED_CONDITION_WRITE_UNITS;
      }
      current = await this.getState(item.pk, item.jobId, meter);
    }
    throw new DependencyError('storage_unavailable', 'the job state kept changing under concurrent writes, retry later', {
      jobId: item.jobId,
      attempts: this.maxStateAttempts,
    });
  }

  private async getState(pk: string, jobId: string, meter: CapacityMeter): Promise<StateItem | undefined> {
    const item = await this.consistentGet(pk, keys.state(jobId), meter);
    return item === undefined ? undefined : StateItemSchema.parse(item);
  }

  private async getEvent(pk: string, sk: string, meter: CapacityMeter): Promise<EventItem | undefined> {
    const item = await this.consistentGet(pk, sk, meter);
    return item === undefined ? undefined : EventItemSchema.parse(item);
  }

  private async consistentGet(pk: string, sk: string, meter: CapacityMeter): Promise<Record<string, unknown> | undefined> {
    try {
      const out = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk, sk }, ConsistentRead: true, ReturnConsumedCapacity: 'TOTAL' }));
      meter.addRead(out.ConsumedCapacity);
      return out.Item;
    } catch (error) {
      throw storageUnavailable('GetItem', error);
    }
  }
}
