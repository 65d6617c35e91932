/**
 * EventStore on DynamoDB: one event item per distinct event, one state item per job, no transactions.
 * Every step is idempotent, so a retry after a half-done write (event stored, state not moved) completes it.
 * The store reads, asks the core what to write (core/write-plan.ts: `planWrite`, `planSlotRecord`), writes the plan
 * (its state transition spelled by adapters/state-update-expressions.ts) and, on a lost condition, reads and asks
 * again. Behind its read-only guard (`readOnly`, replay's dry run) the same steps run with the writes kept in memory.
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
import { storageUnavailable, isConditionFailure } from './dynamo-client';
import { itemProjection } from './item-projection';
import { ITEM_ABSENT_CONDITION, stateUpdateRequest } from './state-update-expressions';
import { DEFAULT_RETRY_WINDOW_SECONDS, planSlotRecord, planWrite, type WritePlanConfig } from '../core/write-plan';
import { EventItemSchema, StateItemSchema, type EventItem, type StateItem } from '../core/items';
import type { NormalisedEvent, StoreOutcome } from '../core/model';
import type { EventStore } from '../core/ports';
import { applyTransition, type StateTransition } from '../core/state-transition';
import { keys } from '../contracts';

/** Options for {@link DynamoEventStore}. */
export interface DynamoEventStoreOptions {
  /** Document client from `makeDocumentClient` (removeUndefinedValues marshalling). */
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** Days an event item is kept before TTL removes it. */
  readonly retentionDays: number;
  /**
   * Panjaya: seconds within which an identical body is a provider retry even if the job moved on.
   * @default 600
   */
  readonly retryWindowSeconds?: number;
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
  /**
   * The read-only guard (replay's dry run): nothing is written. Each call runs the same steps and rules and answers
   * what it would have stored, reading the table as it is plus the writes the call itself would have made.
   * @default false
   */
  readonly readOnly?: boolean;
}

/** StoreOutcome plus the read units the call consumed (reads are priced apart from writes). */
export type DynamoStoreOutcome = StoreOutcome & { readUnits: number };

/** Write units charged for a write whose condition failed; AWS bills it but does not report it. */
const FAILED_CONDITION_WRITE_UNITS = 1;

/** One store call's capacity and, behind the read-only guard, the items it would have written (reads see them first). */
class StoreCall {
  writeUnits = 0;
  readUnits = 0;
  readonly withheld: Map<string, Record<string, unknown>> | undefined;
  constructor(readOnly: boolean) {
    this.withheld = readOnly ? new Map() : undefined;
  }
  addWrite(consumed: ConsumedCapacity | undefined): void {
    this.writeUnits += consumed?.CapacityUnits ?? 0;
  }
  addRead(consumed: ConsumedCapacity | undefined): void {
    this.readUnits += consumed?.CapacityUnits ?? 0;
  }
}

const itemKey = (pk: string, sk: string) => `${pk}\u0000${sk}`;

export class DynamoEventStore implements EventStore {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly config: WritePlanConfig;
  private readonly maxSequenceAttempts: number;
  private readonly maxStateAttempts: number;
  private readonly readOnly: boolean;

  constructor(options: DynamoEventStoreOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
    this.config = { retentionDays: options.retentionDays, retryWindowSeconds: options.retryWindowSeconds ?? DEFAULT_RETRY_WINDOW_SECONDS };
    this.maxSequenceAttempts = options.maxSequenceAttempts ?? 8;
    this.maxStateAttempts = options.maxStateAttempts ?? 8;
    this.readOnly = options.readOnly ?? false;
  }

  /** Stores `event` received at `receivedAt` (ISO): accepted once, duplicate after; throws DependencyError on outage. */
  async store(event: NormalisedEvent, receivedAt: string): Promise<DynamoStoreOutcome> {
    const call = new StoreCall(this.readOnly);
    const result =
      event.ordering === 'arrival-sequence' ? await this.storeBySequence(event, receivedAt, call) : await this.storeByTimestamp(event, receivedAt, call);
    return { ...result, writeUnits: call.writeUnits, readUnits: call.readUnits };
  }

  /**
   * Timestamp order: the plan's event item has a content-derived key, so the conditional put alone detects a
   * duplicate; the state step runs either way (on a duplicate put it completes a write whose state step failed
   * earlier; on that path the state's receive time is the retry's).
   */
  private async storeByTimestamp(event: NormalisedEvent, receivedAt: string, call: StoreCall): Promise<Omit<StoreOutcome, 'writeUnits'>> {
    let state = await this.getState(keys.partition(event.provider, event.partitionId), event.jobId, call);
    let plan = planWrite(event, receivedAt, state, this.config);
    if (plan.kind === 'duplicate') return { outcome: 'duplicate', eventId: plan.eventId };
    const created = await this.putIfAbsent(plan.event, call);
    for (let attempt = 0; plan.kind === 'write' && plan.state !== undefined; attempt++) {
      if (attempt >= this.maxStateAttempts) throw this.tooManyRaces(event.jobId);
      if (await this.updateIfUnchanged(plan.state, call)) break;
      state = await this.getState(plan.event.pk, event.jobId, call);
      plan = planWrite(event, receivedAt, state, this.config);
    }
    return { outcome: created ? 'accepted' : 'duplicate', eventId: plan.kind === 'write' ? plan.event.eventId : plan.eventId };
  }

  /**
   * Arrival order: the event takes the job's next slot with a conditional put, then records it on the state with a
   * compare-and-set on the slot before. A slot already taken is another writer's event (or our own earlier attempt):
   * help finish its state step, so a crashed writer never blocks the job and the state has seen every slot before
   * the next is taken, then decide again. That is what makes the retry window hold under concurrent copies.
   */
  private async storeBySequence(event: NormalisedEvent, receivedAt: string, call: StoreCall): Promise<Omit<StoreOutcome, 'writeUnits'>> {
    const pk = keys.partition(event.provider, event.partitionId);
    let state = await this.getState(pk, event.jobId, call);
    for (let attempt = 0; attempt < this.maxSequenceAttempts; attempt++) {
      const plan = planWrite(event, receivedAt, state, this.config);
      if (plan.kind === 'duplicate') return { outcome: 'duplicate', eventId: plan.eventId };
      const item = plan.event;
      if (await this.putIfAbsent(item, call)) {
        await this.recordSlot(item, state, call);
        return { outcome: 'accepted', eventId: item.eventId };
      }
      const occupant = await this.getEvent(item.pk, item.sk, call);
      // Absent: expired by TTL between the put and the read; the next round re-reads the state.
      if (occupant !== undefined) await this.recordSlot(occupant, state, call);
      state = await this.getState(pk, event.jobId, call);
    }
    throw new DependencyError('storage_unavailable', 'too many concurrent events for this job, retry later', {
      jobId: event.jobId,
      attempts: this.maxSequenceAttempts,
    });
  }

  /**
   * Records the stored arrival-ordered `item` on the state (read as `known`), unless the state already passed its
   * slot. A lost compare-and-set (a helper recorded it, or a stall changed the status) re-reads and decides again.
   */
  private async recordSlot(item: EventItem, known: StateItem | undefined, call: StoreCall): Promise<void> {
    let state = known;
    for (let attempt = 0; attempt < this.maxStateAttempts; attempt++) {
      const transition = planSlotRecord(item, state, this.config);
      if (transition === undefined || (await this.updateIfUnchanged(transition, call))) return;
      state = await this.getState(item.pk, item.jobId, call);
    }
    throw this.tooManyRaces(item.jobId);
  }

  private tooManyRaces(jobId: string): DependencyError {
    return new DependencyError('storage_unavailable', 'the job state kept changing under concurrent writes, retry later', {
      jobId,
      attempts: this.maxStateAttempts,
    });
  }

  /** Applies a compare-and-set state transition: false when the state changed since it was read. */
  private async updateIfUnchanged(transition: StateTransition, call: StoreCall): Promise<boolean> {
    if (call.withheld !== undefined) {
      const { pk, sk } = transition.key;
      const current = await this.consistentGet(pk, sk, call);
      const next = applyTransition(current === undefined ? undefined : StateItemSchema.parse(current), transition);
      if (next !== undefined) call.withheld.set(itemKey(pk, sk), next);
      return next !== undefined;
    }
    try {
      const update = stateUpdateRequest(transition);
      const out = await this.client.send(new UpdateCommand({ TableName: this.tableName, ...update, ReturnConsumedCapacity: 'TOTAL' }));
      call.addWrite(out.ConsumedCapacity);
      return true;
    } catch (error) {
      if (!isConditionFailure(error)) throw storageUnavailable('UpdateItem', error);
      call.writeUnits += FAILED_CONDITION_WRITE_UNITS;
      return false;
    }
  }

  /** True when the item was written, false when an item with that key already existed. */
  private async putIfAbsent(item: EventItem, call: StoreCall): Promise<boolean> {
    if (call.withheld !== undefined) {
      const absent = (await this.consistentGet(item.pk, item.sk, call)) === undefined;
      if (absent) call.withheld.set(itemKey(item.pk, item.sk), item);
      return absent;
    }
    try {
      const out = await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: ITEM_ABSENT_CONDITION,
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      call.addWrite(out.ConsumedCapacity);
      return true;
    } catch (error) {
      if (!isConditionFailure(error)) throw storageUnavailable('PutItem', error);
      call.writeUnits += FAILED_CONDITION_WRITE_UNITS;
      return false;
    }
  }

  private async getState(pk: string, jobId: string, call: StoreCall): Promise<StateItem | undefined> {
    const item = await this.consistentGet(pk, keys.state(jobId), call);
    return item === undefined ? undefined : StateItemSchema.parse(item);
  }

  private async getEvent(pk: string, sk: string, call: StoreCall): Promise<EventItem | undefined> {
    const item = await this.consistentGet(pk, sk, call);
    return item === undefined ? undefined : EventItemSchema.parse(item);
  }

  private async consistentGet(pk: string, sk: string, call: StoreCall): Promise<Record<string, unknown> | undefined> {
    const withheld = call.withheld?.get(itemKey(pk, sk));
    if (withheld !== undefined) return withheld;
    try {
      const out = await this.client.send(
        new GetCommand({ TableName: this.tableName, Key: { pk, sk }, ConsistentRead: true, ReturnConsumedCapacity: 'TOTAL', ...itemProjection }),
      );
      call.addRead(out.ConsumedCapacity);
      return out.Item;
    } catch (error) {
      throw storageUnavailable('GetItem', error);
    }
  }
}
