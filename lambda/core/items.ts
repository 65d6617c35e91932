import * as z from 'zod/mini';
import { NormalisedStatusSchema, ProviderNameSchema } from './model';

/**
 * Item shapes in the table (see table-schema.ts for keys). The store writes them, the fan-out, re-drive, jobs CLI
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
  payload: z.record(z.string(), z.unknown()),
  /** Present only on events that notify (terminal, stalled). */
  notifyTopic: z.optional(z.enum(['succeeded', 'failed'])),
  /** Sparse pending-notification index keys, removed by the fan-out once published. */
  gsi2pk: z.optional(z.string()),
  gsi2sk: z.optional(z.string()),
  notifiedAt: z.optional(z.string()),
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
  /** Number of distinct events stored for the job (Panjaya arrival sequence). */
  seq: z.number(),
  /** Content hash of the event the state currently reflects (Panjaya duplicate rule). */
  lastContentHash: z.string(),
  gsi1pk: z.string(),
  gsi1sk: z.string(),
});
export type StateItem = z.infer<typeof StateItemSchema>;
