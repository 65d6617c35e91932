/**
 * Terminal events not yet notified, through the sparse `pendingNotifications` index (no Scan). The index projects
 * keys only (cheap to keep), so each hit is read back from the table, strongly consistent, and dropped if it was
 * marked in the meantime.
 */
import { GetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { EventItemSchema, type EventItem } from '../core/items';
import { PENDING_PARTITION, tableSchema } from '../core/table-schema';

export interface PendingQueryOptions {
  /** Only events received before this instant (ISO-8601), so the live fan-out is not raced. */
  readonly beforeIso: string;
  /** @default unlimited */
  readonly limit?: number;
}

/** Pending events, and the keys of pending items that do not parse as event items (reported, never published). */
export interface PendingEvents {
  items: EventItem[];
  invalid: Array<{ pk: string; sk: string; reason: string }>;
}

export async function listPendingEvents(doc: DynamoDBDocumentClient, tableName: string, options: PendingQueryOptions): Promise<PendingEvents> {
  const index = tableSchema.pendingIndex;
  const found: EventItem[] = [];
  const invalid: PendingEvents['invalid'] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: index.name,
        // gsi2sk = <receivedAt>#<eventId>: everything sorting below the bare timestamp was received before it.
        KeyConditionExpression: '#p = :pending AND #s < :before',
        ExpressionAttributeNames: { '#p': index.partitionKey, '#s': index.sortKey },
        ExpressionAttributeValues: { ':pending': PENDING_PARTITION, ':before': options.beforeIso },
        ExclusiveStartKey: startKey,
      }),
    );
    for (const keys of page.Items ?? []) {
      const out = await doc.send(new GetCommand({ TableName: tableName, Key: { pk: keys.pk, sk: keys.sk }, ConsistentRead: true }));
      if (out.Item?.[index.partitionKey] === undefined) continue; // marked since the index was read
      const parsed = EventItemSchema.safeParse(out.Item);
      if (parsed.success) found.push(parsed.data);
      else invalid.push({ pk: String(keys.pk), sk: String(keys.sk), reason: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
      if (options.limit !== undefined && found.length >= options.limit) return { items: found, invalid };
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return { items: found, invalid };
}
