// zod/mini, as a namespace import: esbuild tree-shakes it, and mini schemas cost a fraction of classic ones to build at
// cold start (classic attaches dozens of methods to every instance; npm run bench, coldInit).
import * as z from 'zod/mini';
import './zod-locale';

/** Route names: `POST /webhooks/<name>`, also the `provider` of items, notifications and the CLIs' first argument. */
export const PROVIDER_NAME_RE = /^[a-z][a-z0-9-]{1,30}$/;
/**
 * A provider route name as stored and sent: a built-in's, or a configured one's (providers/configured/config-schema.ts
 * refuses any other). Items are read without knowing the configuration, so the shape is checked.
 */
export const ProviderNameSchema = z.string().check(z.regex(PROVIDER_NAME_RE, 'not a provider route name'));
export type ProviderName = string;

/** The normalised lifecycle (docs/ARCHITECTURE.md "Normalised lifecycle"). `stalled` is only ever set by the watchdog. */
export const normalisedStatuses = ['in_progress', 'ready', 'succeeded', 'failed', 'unknown', 'stalled'] as const;
export const NormalisedStatusSchema = z.enum(normalisedStatuses);
export type NormalisedStatus = z.infer<typeof NormalisedStatusSchema>;

import type { TopicKind } from '../contracts';

export type { TopicKind } from '../contracts';

/** Which topic a status notifies, if any. Terminal statuses notify; `stalled` goes to the failed topic. */
export function topicFor(status: NormalisedStatus): TopicKind | undefined {
  switch (status) {
    case 'succeeded':
      return 'succeeded';
    case 'failed':
    case 'stalled':
      return 'failed';
    default:
      return undefined;
  }
}

/**
 * What a provider module makes of one verified, parsed callback. Pure data: no I/O happened yet.
 * `partitionId` groups jobs that must be read together (a Panjaya asset and its versions).
 */
export interface NormalisedEvent {
  provider: ProviderName;
  /** Job id per docs/ARCHITECTURE.md "Routes": Panjaya `<asset_id>/<version_id>` or `<asset_id>`; Contentor `uuid`. */
  jobId: string;
  /** Partition the job lives in: Panjaya asset id, Contentor uuid. */
  partitionId: string;
  status: NormalisedStatus;
  /** The provider's own event/status name, as sent. */
  eventType: string;
  /** Provider timestamp (ISO-8601, UTC) when the payload has one. */
  occurredAt?: string;
  /** The body exactly as received (API Gateway's base64 undone): what is stored, and what the fan-out sends on. */
  body: Uint8Array;
  /**
   * Where the payload (the JSON the provider signed; Contentor envelope: the `data` object) lies in the raw body, as
   * UTF-8 byte offsets; absent = the whole body. The body itself is stored as received, never as DynamoDB maps.
   */
  payloadSpan?: { readonly start: number; readonly end: number };
  /** Bounded, well-formed excerpts for people (e-mail, Slack): the provider's locale and error message, if any. */
  details?: EventDetails;
  /**
   * Deterministic identity of the event content. Contentor: hash of provider + canonical payload.
   * Panjaya: hash of the raw body; the store combines it with the job's sequence (the regeneration rule,
   * docs/ARCHITECTURE.md "Ordering and duplicates").
   */
  contentHash: string;
  /** How duplicates and ordering work for this provider. */
  ordering: 'provider-timestamp' | 'arrival-sequence';
  /**
   * Arrival order only: what `contentHash` identifies. `body` (Panjaya: a later cycle may repeat a byte-identical
   * body, so a copy is a duplicate only within the retry window) or `event-id` (an id the provider gives each event:
   * a repeat is a duplicate however late; the state orders by `occurredAt`, the provider's time when it sent one).
   * @default 'body'
   */
  identity?: 'body' | 'event-id';
  /** Tie-break rank for events with the same timestamp (later lifecycle stage wins). */
  rank: number;
}

/** Short provider texts shown to people; already bounded and free of lone surrogates (see providers/ids.ts). */
export interface EventDetails {
  readonly locale?: string;
  readonly message?: string;
}

/** Outcome of storing one event. */
export type StoreOutcome = { outcome: 'accepted' | 'duplicate'; eventId: string; writeUnits: number };

/**
 * The JSON document subscribers get (contract: docs/ARCHITECTURE.md, fan-out), without its `payload`: that member is
 * the provider's JSON text exactly as signed, spliced in as text (notification/build.ts) so numbers stay exact.
 */
export interface NotificationDocumentFields {
  provider: ProviderName;
  jobId: string;
  status: NormalisedStatus;
  eventType: string;
  eventId: string;
  occurredAt: string;
  receivedAt: string;
}
