/**
 * The one definition of the table's shape, shared by the CDK construct (lib/) and the local stack (local/).
 * Pure data: no SDK or CDK imports, so both sides can use it.
 *
 * Items (one table, single-table design):
 * - job state   pk = JOB#<provider>#<partitionId>  sk = STATE#<jobId>
 *   One per job. A Panjaya asset's state and all its versions share a partition: one Query (begins_with STATE#).
 *   Carries the status index keys (gsi1pk = STATUS#<status>, gsi1sk = <statusSince>#<provider>#<jobId>): keyed on
 *   when the job ENTERED its status, so an event that keeps the status leaves the index entry alone (0 index write
 *   units instead of a delete + insert).
 * - event       pk = JOB#<provider>#<partitionId>  sk = EVENT#<jobId>#<orderKey>
 *   One per distinct event; a job's history is begins_with(EVENT#<jobId>#) in time order. TTL attribute `expiresAt`.
 *   Terminal events carry `notifyTopic` and the sparse pending index keys (gsi2pk = PENDING, gsi2sk = <receivedAt>#<eventId>)
 *   until the fan-out has published them and removed both.
 */
export const tableSchema = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expiresAt',
  /**
   * Jobs by normalised status and the time they entered it: "all jobs that failed since T", the watchdog's sweep.
   * Keys only, so an update that keeps the keys costs the index nothing; readers fetch the state items by key.
   */
  statusIndex: { name: 'byStatus', partitionKey: 'gsi1pk', sortKey: 'gsi1sk', projection: 'KEYS_ONLY' },
  /** Sparse: terminal events not yet notified. Only keys projected (cheap); the re-drive reads the item itself. */
  pendingIndex: { name: 'pendingNotifications', partitionKey: 'gsi2pk', sortKey: 'gsi2sk', projection: 'KEYS_ONLY' },
  /** New images only would do for the fan-out; OLD too lets operators audit overwrites of state items. */
  streamViewType: 'NEW_AND_OLD_IMAGES',
} as const;

export const itemTypes = {
  state: 'state',
  event: 'event',
  quarantine: 'quarantine',
  alertWindow: 'alertWindow',
  alertDecision: 'alertDecision',
  alertMark: 'alertMark',
  alertSlot: 'alertSlot',
} as const;
export const PENDING_PARTITION = 'PENDING';

export const keys = {
  partition: (provider: string, partitionId: string) => `JOB#${provider}#${partitionId}`,
  state: (jobId: string) => `STATE#${jobId}`,
  statePrefix: 'STATE#',
  event: (jobId: string, orderKey: string) => `EVENT#${jobId}#${orderKey}`,
  eventPrefix: (jobId: string) => `EVENT#${jobId}#`,
  status: (status: string) => `STATUS#${status}`,
  /** Status index sort key: `statusSince` (when the job entered its current status) first. */
  statusSort: (statusSince: string, provider: string, jobId: string) => `${statusSince}#${provider}#${jobId}`,
  pendingSort: (receivedAt: string, eventId: string) => `${receivedAt}#${eventId}`,
  /**
   * Quarantine (refused deliveries, lambda/core/quarantine.ts): one partition per provider route and UTC day, so a
   * listing is one Query per route and day (no Scan). In it, one item per distinct delivery (DELIVERY#<deliveryId>,
   * TTL `expiresAt` at the quarantine's own retention) and one counter per hour (COUNT#<hour>). No index keys and no
   * notifyTopic: the status index, the pending index and the fan-out's stream filter never see them.
   */
  quarantinePartition: (provider: string, day: string) => `QUARANTINE#${provider}#${day}`,
  quarantineDelivery: (deliveryId: string) => `DELIVERY#${deliveryId}`,
  quarantineDeliveryPrefix: 'DELIVERY#',
  quarantineCounter: (hour: string) => `COUNT#${hour}`,
  /**
   * Alerts for people (lambda/core/alerts): the window heads in one partition (`ALERTS`, sk `WINDOW#<windowStart>`:
   * individual alerts sent, digest state), each window's decisions in its own partition (`ALERTWINDOW#<windowStart>`,
   * one item per alert-worthy event, sk `EVENT#<eventId>`), each event's mark (`ALERTEVENT#<eventId>`, sk
   * `DECISION`: which window and kind, so a retry or re-drive in a later window finds it; a small item of its own, so
   * deciding never rewrites the event item and its body), and the rate slots (`ALERTRATE`, sk = slot number; one
   * message per slot). None carries index keys or `notifyTopic`, so no index or stream consumer sees them. TTL
   * `expiresAt` on all.
   */
  alertWindowsPartition: 'ALERTS',
  alertWindowHead: (windowStart: string) => `WINDOW#${windowStart}`,
  alertWindowHeadPrefix: 'WINDOW#',
  alertWindowPartition: (windowStart: string) => `ALERTWINDOW#${windowStart}`,
  alertWindowEvent: (eventId: string) => `EVENT#${eventId}`,
  alertEventMark: (eventId: string) => `ALERTEVENT#${eventId}`,
  alertEventMarkSort: 'DECISION',
  alertRatePartition: 'ALERTRATE',
  alertRateSlot: (slot: number) => String(slot).padStart(16, '0'),
};

/** The attributes that place a job's state in the status index: written together, only when it enters a status. */
export const statusIndexAttributes = ['statusSince', tableSchema.statusIndex.partitionKey, tableSchema.statusIndex.sortKey] as const;

/** Where a job's state sits in the status index: the attributes written when it enters a status. */
export type StatusIndexPlacement = Readonly<Record<(typeof statusIndexAttributes)[number], string>>;

/**
 * A job state's status index placement once it entered `status` at `since` (the receiver's writes and the watchdog's
 * alike): the one place the index key layout is written.
 */
export function statusIndexPlacement(status: string, since: string, provider: string, jobId: string): StatusIndexPlacement {
  return {
    statusSince: since,
    [tableSchema.statusIndex.partitionKey]: keys.status(status),
    [tableSchema.statusIndex.sortKey]: keys.statusSort(since, provider, jobId),
  };
}

/** Attribute definitions and key schema in the DynamoDB API shape (used by the local stack's CreateTable). */
export function createTableInput(tableName: string) {
  const s = tableSchema;
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: [
      { AttributeName: s.partitionKey, AttributeType: 'S' as const },
      { AttributeName: s.sortKey, AttributeType: 'S' as const },
      { AttributeName: s.statusIndex.partitionKey, AttributeType: 'S' as const },
      { AttributeName: s.statusIndex.sortKey, AttributeType: 'S' as const },
      { AttributeName: s.pendingIndex.partitionKey, AttributeType: 'S' as const },
      { AttributeName: s.pendingIndex.sortKey, AttributeType: 'S' as const },
    ],
    KeySchema: [
      { AttributeName: s.partitionKey, KeyType: 'HASH' as const },
      { AttributeName: s.sortKey, KeyType: 'RANGE' as const },
    ],
    GlobalSecondaryIndexes: [s.statusIndex, s.pendingIndex].map((index) => ({
      IndexName: index.name,
      KeySchema: [
        { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
        { AttributeName: index.sortKey, KeyType: 'RANGE' as const },
      ],
      Projection: { ProjectionType: index.projection },
    })),
    StreamSpecification: { StreamEnabled: true, StreamViewType: s.streamViewType },
  };
}

/** The provider and partition id a job item's `pk` names (the inverse of `keys.partition`), or undefined. */
export function parsePartitionKey(pk: string): { provider: string; partitionId: string } | undefined {
  // Provider names never hold '#' (model.ts ProviderNameSchema); a partition id may.
  const match = /^JOB#([^#]+)#(.+)$/s.exec(pk);
  return match ? { provider: match[1] ?? '', partitionId: match[2] ?? '' } : undefined;
}

/** The parts of a status index sort key (the inverse of `keys.statusSort`), or undefined. */
export function parseStatusSortKey(sortKey: string): { statusSince: string; provider: string; jobId: string } | undefined {
  // An ISO time and a provider name never hold '#'; a job id may.
  const match = /^([^#]+)#([^#]+)#(.+)$/s.exec(sortKey);
  return match ? { statusSince: match[1] ?? '', provider: match[2] ?? '', jobId: match[3] ?? '' } : undefined;
}
