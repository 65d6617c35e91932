/**
 * Quarantine on DynamoDB (same table, own partitions: lambda/contracts/table.ts `keys.quarantine*`).
 *
 * keep(): an atomic hourly counter per provider route (UpdateItem ADD, 1 write unit) gates a conditional put
 * (attribute_not_exists, so identical junk is stored once per day partition). Past the cap nothing more is written
 * to the table for that hour by this container: it remembers the full hour, and the caller only counts a metric.
 * Items carry the table's TTL attribute at the quarantine's own retention (default 14 days, not the events' 90).
 * The replay tool lists (one Query per route and UTC day, no Scan) and deletes through the same class.
 */
import { DeleteCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  expiresAtFor,
  isOverCap,
  quarantineBuckets,
  quarantineDays,
  quarantineItemFor,
  QuarantineItemSchema,
  type QuarantineItem,
  type QuarantineOutcome,
  type QuarantineRecord,
  type QuarantineSink,
} from '../core/quarantine';
import { keys, tableSchema, issueLines } from '../contracts';
import { isConditionFailure } from './dynamo-client';

/** Options for {@link DynamoQuarantineStore}. */
export interface DynamoQuarantineStoreOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** Days a quarantined delivery is kept (TTL). */
  readonly retentionDays: number;
  /** Deliveries kept per provider route and UTC hour. */
  readonly hourlyCap: number;
  /**
   * Partitions queried at once by `list`.
   * @default 8
   */
  readonly queryConcurrency?: number;
}

/** Filters of {@link DynamoQuarantineStore.list}. */
export interface QuarantineQuery {
  /** Provider routes to read. */
  readonly providers: readonly string[];
  /** Only deliveries received at or after this time (ISO). */
  readonly sinceIso: string;
  /** Now (ISO): the newest day partition read, and items past their TTL but not yet removed are left out. */
  readonly nowIso: string;
  /** Read the body too (replay); a listing leaves it out. */
  readonly withBody?: boolean;
}

/** Attributes a listing reads: all but the body. */
const LISTED = [
  'pk',
  'sk',
  'itemType',
  'provider',
  'deliveryId',
  'reason',
  'httpStatus',
  'detail',
  'receivedAt',
  'headers',
  'bodyBytes',
  tableSchema.ttlAttribute,
];

export class DynamoQuarantineStore implements QuarantineSink {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly retentionDays: number;
  private readonly hourlyCap: number;
  private readonly queryConcurrency: number;
  /** `<provider>#<hour>` buckets this container saw full: no more counter writes for them (bounded below). */
  private readonly fullHours = new Set<string>();

  constructor(options: DynamoQuarantineStoreOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
    this.retentionDays = options.retentionDays;
    this.hourlyCap = options.hourlyCap;
    this.queryConcurrency = options.queryConcurrency ?? 8;
  }

  async keep(record: QuarantineRecord): Promise<QuarantineOutcome> {
    const { day, hour } = quarantineBuckets(record.receivedAt);
    const bucket = `${record.provider}#${hour}`;
    if (this.fullHours.has(bucket)) return 'capped';
    const count = await this.countOne(record.provider, day, hour);
    if (isOverCap(count, this.hourlyCap)) {
      // Only the current hours matter: a long-lived container must not grow this without bound.
      if (this.fullHours.size >= 64) this.fullHours.clear();
      this.fullHours.add(bucket);
      return 'capped';
    }
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: quarantineItemFor(record, this.retentionDays),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return 'stored';
    } catch (error) {
      if (isConditionFailure(error)) return 'duplicate';
      throw error;
    }
  }

  /** Adds one to the hour's counter and returns the new count. The counter expires a day after its hour. */
  private async countOne(provider: string, day: string, hour: string): Promise<number> {
    const out = await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { [tableSchema.partitionKey]: keys.quarantinePartition(provider, day), [tableSchema.sortKey]: keys.quarantineCounter(hour) },
        UpdateExpression: 'ADD #count :one SET #ttl = if_not_exists(#ttl, :ttl)',
        ExpressionAttributeNames: { '#count': 'count', '#ttl': tableSchema.ttlAttribute },
        ExpressionAttributeValues: { ':one': 1, ':ttl': expiresAtFor(`${hour}:00:00.000Z`, 2) },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    const count = out.Attributes?.count;
    return typeof count === 'number' ? count : Number.POSITIVE_INFINITY;
  }

  /** Quarantined deliveries matching `query`, newest first. Items that do not parse are reported, not thrown. */
  async list(query: QuarantineQuery): Promise<{ items: QuarantineItem[]; unreadable: Array<{ pk: string; sk: string; reason: string }> }> {
    const partitions = query.providers.flatMap((provider) =>
      quarantineDays(query.sinceIso, query.nowIso).map((day) => keys.quarantinePartition(provider, day)),
    );
    const items: QuarantineItem[] = [];
    const unreadable: Array<{ pk: string; sk: string; reason: string }> = [];
    const nowSeconds = Math.floor(Date.parse(query.nowIso) / 1000);
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < partitions.length; i = next++) {
        for (const raw of await this.queryPartition(partitions[i] ?? '', query.withBody ?? false)) {
          const parsed = QuarantineItemSchema.safeParse(raw);
          if (!parsed.success) {
            unreadable.push({ pk: String(raw.pk), sk: String(raw.sk), reason: issueLines(parsed.error.issues).join('; ') });
            continue;
          }
          const item = parsed.data;
          // TTL removal runs late (up to days): an expired item is gone as far as anyone should see.
          if (item.receivedAt >= query.sinceIso && item.expiresAt > nowSeconds) items.push(item);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.queryConcurrency, partitions.length) }, worker));
    items.sort((a, b) => (a.receivedAt === b.receivedAt ? a.deliveryId.localeCompare(b.deliveryId) : a.receivedAt < b.receivedAt ? 1 : -1));
    return { items, unreadable };
  }

  private async queryPartition(pk: string, withBody: boolean): Promise<Record<string, unknown>[]> {
    const names = withBody ? undefined : Object.fromEntries(LISTED.map((name, i) => [`#a${i}`, name]));
    const out: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
          ExpressionAttributeNames: { ...names, '#pk': tableSchema.partitionKey, '#sk': tableSchema.sortKey },
          ExpressionAttributeValues: { ':pk': pk, ':prefix': keys.quarantineDeliveryPrefix },
          ...(names ? { ProjectionExpression: Object.keys(names).join(', ') } : {}),
          ExclusiveStartKey: startKey,
        }),
      );
      out.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return out;
  }

  /** Removes a delivery from the quarantine (after its replay was accepted or found a duplicate). Idempotent. */
  async remove(item: Pick<QuarantineItem, 'pk' | 'sk'>): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: { [tableSchema.partitionKey]: item.pk, [tableSchema.sortKey]: item.sk } }));
  }
}
