import * as z from 'zod/mini';
import { NormalisedStatusSchema, ProviderNameSchema } from './model';

/** A Binary attribute as the document client returns it (Uint8Array; Buffer is one). */
export const BinarySchema = z.custom<Uint8Array>((value) => value instanceof Uint8Array, 'Expected binary');

/**
 * Item shapes in the table (see lambda/contracts/table.ts for keys). The store writes them, the fan-out, re-drive, jobs CLI
 * and watchdog read them: parse with these schemas rather than trusting attribute names spelled elsewhere.
 */
export const EventItemSchema = z.object({
  pk: z.string(),
  sk: z.string(),
  itemType: z.literal('event'),
  provider: ProviderNameSchema,
  jobId: z.string(),
  partitionId: z.string(),
  eventId: z.string(),
  status: NormalisedStatusSchema,
  eventType: z.string(),
  /** Provider timestamp, else the receive time. */
  occurredAt: z.string(),
  receivedAt: z.string(),
  /** Sortable ordering key (Contentor: timestamp#rank#id; Panjaya: zero-padded arrival sequence). */
  orderKey: z.string(),
  /** Content hash used for duplicate detection (Panjaya: sha256 of the raw body). */
  contentHash: z.string(),
  /** Lifecycle rank of the event (Panjaya's late-event rule, core/write-plan.ts); absent on stalls of old items. */
  rank: z.optional(z.number()),
  /** 1 when `occurredAt` is the provider's own time, absent when it is the receive time (no timestamp sent). */
  providerTime: z.optional(z.number()),
  /** Arrival order: what contentHash identifies (model.ts NormalisedEvent.identity); absent = the body. */
  identity: z.optional(z.enum(['body', 'event-id'])),
  /**
   * The body exactly as received (API Gateway's base64 undone), a Binary attribute: the provider's JSON is never
   * marshalled into DynamoDB maps or numbers. Watchdog stalls carry their own JSON here.
   */
  body: z.optional(BinarySchema),
  /** UTF-8 byte offsets of the signed payload inside `body` (Contentor envelope: `data`); absent = the whole body. */
  payloadStart: z.optional(z.number()),
  payloadEnd: z.optional(z.number()),
  /** Bounded excerpts for people (providers/ids.ts makes them storable). */
  detailLocale: z.optional(z.string()),
  detailMessage: z.optional(z.string()),
  /** Present only on events that notify (terminal, stalled). */
  notifyTopic: z.optional(z.enum(['succeeded', 'failed'])),
  /** Sparse pending-notification index keys, removed by the fan-out once published. */
  gsi2pk: z.optional(z.string()),
  gsi2sk: z.optional(z.string()),
  notifiedAt: z.optional(z.string()),
  /**
   * Why the fan-out could not turn this event into a message (a permanent failure, "parked"); the pending-index keys
   * stay, so re-drive still finds it once the cause is fixed.
   */
  undeliverable: z.optional(z.string()),
  /** TTL, epoch seconds. */
  expiresAt: z.optional(z.number()),
});
export type EventItem = z.infer<typeof EventItemSchema>;

export const StateItemSchema = z.object({
  pk: z.string(),
  sk: z.string(),
  itemType: z.literal('state'),
  provider: ProviderNameSchema,
  jobId: z.string(),
  partitionId: z.string(),
  status: NormalisedStatusSchema,
  eventType: z.string(),
  eventId: z.string(),
  occurredAt: z.string(),
  receivedAt: z.string(),
  /** When the state item last changed (ISO). */
  updatedAt: z.string(),
  /**
   * When the job entered its current `status` (ISO; the status index sort key starts with it). Absent on state items
   * written before it existed: their index sort key holds the update time of their last index move instead.
   */
  statusSince: z.optional(z.string()),
  orderKey: z.string(),
  /** Contentor: how often the state moved. Panjaya: the last arrival slot taken (distinct events stored). */
  seq: z.number(),
  /** Content hash of the event the state currently reflects (Panjaya: of the last slot taken). */
  lastContentHash: z.string(),
  /** Lifecycle rank of the event the state reflects (Panjaya's late-event rule in core/write-plan.ts). */
  headRank: z.optional(z.number()),
  /** 1 when the state's `occurredAt` is the provider's time (core/write-plan.ts orders mixed events by it). */
  headTimed: z.optional(z.number()),
  /**
   * The retry window of arrival-ordered providers: `<hash16>:<seq>:<epoch seconds>` of the bodies stored recently,
   * space-separated, at most RECENT_MAX (core/write-plan.ts).
   * A string, not a list: one scalar to compare-and-set, and a few dozen bytes.
   */
  recent: z.optional(z.string()),
  gsi1pk: z.string(),
  gsi1sk: z.string(),
});
export type StateItem = z.infer<typeof StateItemSchema>;
