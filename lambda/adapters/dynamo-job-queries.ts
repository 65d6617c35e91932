/**
 * JobQueries on DynamoDB: every question is a GetItem or a Query on the table or one of its indexes, never a Scan.
 * Items are parsed with the shared zod schemas, so a shape drift fails loudly here rather than in a caller.
 */
import { BatchGetCommand, GetCommand, QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { DependencyError } from '../core/errors';
import { storageUnavailable } from './dynamo-client';
import { itemProjection } from './item-projection';
import { EventItemSchema, StateItemSchema, type EventItem, type StateItem } from '../core/items';
import type { JobQueries } from '../core/ports';
import { keys, PENDING_PARTITION, parsePartitionKey, parseStatusSortKey, tableSchema, issueLines } from '../contracts';

/** Options for {@link DynamoJobQueries}. */
export interface DynamoJobQueriesOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

const DEFAULT_LIMIT = 100;
/** BatchGetItem accepts at most 100 keys per request. */
const BATCH_GET_MAX = 100;
/** Rounds of retrying UnprocessedKeys (throttling) before giving up with a 503-style error. */
const BATCH_GET_ROUNDS = 5;

/** A table item's primary key. */
export type Key = { pk: string; sk: string };

function keyOf(item: Record<string, unknown>): Key {
  const { pk, sk } = item;
  if (typeof pk !== 'string' || typeof sk !== 'string') throw new Error('index returned an item without pk/sk');
  return { pk, sk };
}

/** A stored item that does not have the shape its key says: named by key, with the failing fields. */
export class InvalidItemError extends Error {
  constructor(
    readonly key: Key,
    readonly reason: string,
  ) {
    super(`item ${key.pk} / ${key.sk} is not readable: ${reason}`);
    this.name = 'InvalidItemError';
  }
}

function issuesText(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): string {
  return issueLines(issues).join('; ');
}

function parseItem<T>(
  schema: {
    safeParse(value: unknown): { success: true; data: T } | { success: false; error: { issues: ReadonlyArray<{ path: PropertyKey[]; message: string }> } };
  },
  item: Record<string, unknown>,
): T {
  const parsed = schema.safeParse(item);
  if (parsed.success) return parsed.data;
  throw new InvalidItemError({ pk: String(item.pk), sk: String(item.sk) }, issuesText(parsed.error.issues));
}

/** An index entry's full key (table and index keys): where the next page of that index starts. */
export type IndexKey = Readonly<Record<string, string>>;

/** One entry of the byStatus index: which job entered the status, and when. Keys only; nothing is read back. */
export interface StatusIndexEntry {
  readonly provider: string;
  readonly partitionId: string;
  readonly jobId: string;
  /** When the job entered the status (the sort key's first part). */
  readonly statusSince: string;
  readonly key: Key;
  readonly indexKey: IndexKey;
}

/** A page of an index: its entries, and where the next page starts when there may be more. */
export interface IndexPage<T> {
  readonly items: T[];
  readonly next?: IndexKey;
}

/** Which byStatus entries a page reads: those that entered the status in [sinceIso, untilIso). */
export interface StatusRange {
  readonly sinceIso: string;
  /** Exclusive; absent = up to now. */
  readonly untilIso?: string;
}

/** Where a page starts and how long it is. */
export interface PageRequest {
  readonly limit: number;
  /** The `next` of the previous page. */
  readonly startAfter?: IndexKey;
}

function indexKeyOf(item: Record<string, unknown>): IndexKey {
  return Object.fromEntries(Object.entries(item).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

function statusEntryOf(item: Record<string, unknown>): StatusIndexEntry | undefined {
  const key = keyOf(item);
  const sort = item[tableSchema.statusIndex.sortKey];
  const parts = typeof sort === 'string' ? parseStatusSortKey(sort) : undefined;
  const partition = parsePartitionKey(key.pk);
  if (!parts || !partition) return undefined;
  return {
    provider: partition.provider,
    partitionId: partition.partitionId,
    jobId: parts.jobId,
    statusSince: parts.statusSince,
    key,
    indexKey: indexKeyOf(item),
  };
}

/** Pending events, and the keys of pending items that are not valid event items (reported, never published). */
export interface PendingReport {
  items: EventItem[];
  invalid: Array<{ pk: string; sk: string; reason: string }>;
}

/** The pending index's events received before `beforeIso`, oldest first. */
function pendingQuery(beforeIso: string): Omit<QueryCommandInput, 'TableName'> {
  const index = tableSchema.pendingIndex;
  return {
    IndexName: index.name,
    // gsi2sk = <receivedAt>#<eventId>: everything sorting below the bare timestamp was received before it.
    KeyConditionExpression: '#pk = :pending AND #sk < :before',
    ExpressionAttributeNames: { '#pk': index.partitionKey, '#sk': index.sortKey },
    ExpressionAttributeValues: { ':pending': PENDING_PARTITION, ':before': beforeIso },
    ScanIndexForward: true,
  };
}

/** Read-back pending items as events: those notified meanwhile left out, those of the wrong shape reported. */
function pendingOf(fetched: readonly Record<string, unknown>[]): PendingReport {
  const partitionKey = tableSchema.pendingIndex.partitionKey;
  const report: PendingReport = { items: [], invalid: [] };
  for (const item of fetched) {
    if (item[partitionKey] !== PENDING_PARTITION) continue;
    const parsed = EventItemSchema.safeParse(item);
    if (parsed.success) report.items.push(parsed.data);
    else report.invalid.push({ ...keyOf(item), reason: issuesText(parsed.error.issues) });
  }
  return report;
}

export class DynamoJobQueries implements JobQueries {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(options: DynamoJobQueriesOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
  }

  /** The job's state item (consistent read, so a caller sees its own write), or undefined for an unknown job. */
  async getJob(provider: string, partitionId: string, jobId: string): Promise<StateItem | undefined> {
    const key = { pk: keys.partition(provider, partitionId), sk: keys.state(jobId) };
    const out = await this.client
      .send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true, ...itemProjection }))
      .catch((error: unknown) => {
        throw storageUnavailable('GetItem', error);
      });
    return out.Item === undefined ? undefined : parseItem(StateItemSchema, out.Item);
  }

  /** All state items in the partition (a Panjaya asset and its versions) in one Query, sorted by job id. */
  async listPartition(provider: string, partitionId: string): Promise<StateItem[]> {
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.partition(provider, partitionId), ':prefix': keys.statePrefix },
      ...itemProjection,
    });
    return items.map((item) => parseItem(StateItemSchema, item));
  }

  /** The job's events, oldest first (sort key order: timestamp#rank#id or arrival sequence). */
  async history(provider: string, partitionId: string, jobId: string): Promise<EventItem[]> {
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.partition(provider, partitionId), ':prefix': keys.eventPrefix(jobId) },
      ScanIndexForward: true,
      ...itemProjection,
    });
    return items.map((item) => parseItem(EventItemSchema, item));
  }

  /**
   * Jobs now in `status` that ENTERED it at or after `sinceIso` (`statusSince`; events that keep the status do not
   * move it), newest entry first, at most `limit`. The byStatus index holds keys only, so the states are read back
   * (consistent batch reads); a state that left `status` since the index was read is left out (the index lags).
   */
  async byStatusSince(status: string, sinceIso: string, limit = DEFAULT_LIMIT): Promise<StateItem[]> {
    const index = tableSchema.statusIndex;
    const indexed = await this.queryAll(
      {
        IndexName: index.name,
        KeyConditionExpression: '#pk = :status AND #sk >= :since',
        ExpressionAttributeNames: { '#pk': index.partitionKey, '#sk': index.sortKey },
        ExpressionAttributeValues: { ':status': keys.status(status), ':since': sinceIso },
        ScanIndexForward: false,
      },
      limit,
    );
    const states = (await this.readBack(indexed)).map((item) => parseItem(StateItemSchema, item));
    return states.filter((state) => state.status === status);
  }

  /**
   * Terminal events still waiting for their notification, received before `beforeIso`, oldest first. The index
   * holds keys only, so the items are fetched by key; an item notified (or expired) since the index was read is
   * left out, because the index lags the table.
   */
  async pendingNotifications(beforeIso: string, limit = DEFAULT_LIMIT): Promise<EventItem[]> {
    return (await this.pendingNotificationsReport(beforeIso, limit)).items;
  }

  /**
   * Pending events plus the keys of pending items that do not parse as event items: the re-drive reports those
   * instead of failing the whole run on one bad item. The index is KEYS_ONLY, so hits are read back (consistent
   * batch reads) and dropped when marked notified in the meantime.
   */
  async pendingNotificationsReport(beforeIso: string, limit = DEFAULT_LIMIT): Promise<PendingReport> {
    const indexed = await this.queryAll(pendingQuery(beforeIso), limit);
    return pendingOf(await this.readBack(indexed));
  }

  /**
   * One page of the byStatus index for `status`, newest entry first, keys only (no item is read back, so a page of
   * thousands costs one Query): what the console counts and lists. Entries whose keys do not parse are left out.
   */
  async statusIndexPage(status: string, range: StatusRange, page: PageRequest): Promise<IndexPage<StatusIndexEntry>> {
    const index = tableSchema.statusIndex;
    const bounded = range.untilIso !== undefined;
    const { items, next } = await this.queryPage(
      {
        IndexName: index.name,
        KeyConditionExpression: bounded ? '#pk = :status AND #sk BETWEEN :since AND :until' : '#pk = :status AND #sk >= :since',
        ExpressionAttributeNames: { '#pk': index.partitionKey, '#sk': index.sortKey },
        // `<until>` sorts before every `<until>#…` key: the range ends just before the instant itself.
        ExpressionAttributeValues: { ':status': keys.status(status), ':since': range.sinceIso, ...(bounded ? { ':until': range.untilIso } : {}) },
        ScanIndexForward: false,
      },
      page,
    );
    return { items: items.flatMap((item) => statusEntryOf(item) ?? []), ...(next ? { next } : {}) };
  }

  /**
   * The state items behind byStatus entries (consistent batch reads), in the entries' order. A state that left
   * `status` since the index was read, or is gone, is left out; items of the wrong shape are reported by key.
   */
  async statesOf(status: string, entries: readonly Pick<StatusIndexEntry, 'key'>[]): Promise<{ states: StateItem[]; invalid: Key[] }> {
    const states: StateItem[] = [];
    const invalid: Key[] = [];
    for (const item of await readItemsByKey(
      this.client,
      this.tableName,
      entries.map((entry) => entry.key),
    )) {
      const parsed = StateItemSchema.safeParse(item);
      if (!parsed.success) invalid.push(keyOf(item));
      else if (parsed.data.status === status) states.push(parsed.data);
    }
    return { states, invalid };
  }

  /**
   * One page of the pending-notifications index (received before `beforeIso`, oldest first), read back: events
   * notified since the index was read are left out, items that are not event items are reported by key.
   */
  async pendingPage(beforeIso: string, page: PageRequest): Promise<PendingReport & { next?: IndexKey }> {
    const { items, next } = await this.queryPage(pendingQuery(beforeIso), page);
    const report = pendingOf(await this.readBack(items));
    return next ? { ...report, next } : report;
  }

  /** One page of a Query (as many DynamoDB pages as it takes to fill `limit`), and where the next one starts. */
  private async queryPage(input: Omit<QueryCommandInput, 'TableName'>, page: PageRequest): Promise<{ items: Record<string, unknown>[]; next?: IndexKey }> {
    const items: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined = page.startAfter;
    try {
      do {
        const out = await this.client.send(
          new QueryCommand({ ...input, TableName: this.tableName, Limit: page.limit - items.length, ...(startKey ? { ExclusiveStartKey: startKey } : {}) }),
        );
        items.push(...(out.Items ?? []));
        startKey = out.LastEvaluatedKey;
      } while (startKey !== undefined && items.length < page.limit);
    } catch (error) {
      throw storageUnavailable('Query', error);
    }
    return startKey === undefined ? { items } : { items, next: indexKeyOf(startKey) };
  }

  /** Runs a Query through all its pages, stopping once `limit` items are in hand. */
  private async queryAll(input: Omit<QueryCommandInput, 'TableName'>, limit = Number.POSITIVE_INFINITY): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    try {
      do {
        const remaining = limit - items.length;
        const out = await this.client.send(
          new QueryCommand({
            ...input,
            TableName: this.tableName,
            ...(Number.isFinite(remaining) ? { Limit: remaining } : {}),
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          }),
        );
        items.push(...(out.Items ?? []));
        startKey = out.LastEvaluatedKey;
      } while (startKey !== undefined && items.length < limit);
    } catch (error) {
      throw storageUnavailable('Query', error);
    }
    return items;
  }

  /** The table items behind index hits, in the index's order; hits whose item is gone are left out. */
  private readBack(indexed: Record<string, unknown>[]): Promise<Record<string, unknown>[]> {
    return readItemsByKey(this.client, this.tableName, indexed.map(keyOf));
  }
}

/**
 * Consistent batch reads of `keyList` (batches of 100, unprocessed keys retried a few rounds), returned in the order
 * of `keyList`; keys with no item are left out. For readers of the KEYS_ONLY indexes (also the watchdog store).
 */
export async function readItemsByKey(client: DynamoDBDocumentClient, tableName: string, keyList: readonly Key[]): Promise<Record<string, unknown>[]> {
  const found = new Map<string, Record<string, unknown>>();
  const id = (key: Record<string, unknown>) => `${String(key.pk)}\u0000${String(key.sk)}`;
  try {
    for (let start = 0; start < keyList.length; start += BATCH_GET_MAX) {
      let pending: Record<string, unknown>[] = keyList.slice(start, start + BATCH_GET_MAX);
      for (let round = 0; pending.length > 0; round++) {
        if (round === BATCH_GET_ROUNDS)
          throw new DependencyError('storage_unavailable', 'storage is throttling reads, retry later', { unprocessed: pending.length });
        if (round > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** round));
        const out = await client.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending, ConsistentRead: true, ...itemProjection } } }));
        for (const item of out.Responses?.[tableName] ?? []) found.set(id(item), item);
        pending = out.UnprocessedKeys?.[tableName]?.Keys ?? [];
      }
    }
  } catch (error) {
    throw storageUnavailable('BatchGetItem', error);
  }
  return keyList.flatMap((key): Record<string, unknown>[] => {
    const item = found.get(id(key));
    return item === undefined ? [] : [item];
  });
}
