import type { PublishTarget } from '../contracts';
import type { NormalisedEvent, StoreOutcome } from './model';
import type { EventItem, StateItem } from './items';

/** Stores one verified event: idempotent and order-aware (docs/ARCHITECTURE.md "Ordering and duplicates" and "Data model"). */
export interface EventStore {
  /** Throws DependencyError('storage_unavailable') when DynamoDB fails; a retry must be able to complete the write. */
  store(event: NormalisedEvent, receivedAt: string): Promise<StoreOutcome>;
}

/** Read side used by the jobs CLI, the re-drive and tests. */
export interface JobQueries {
  getJob(provider: string, partitionId: string, jobId: string): Promise<StateItem | undefined>;
  /** The asset's own state and all its versions (Panjaya), or the one job (Contentor): one Query. */
  listPartition(provider: string, partitionId: string): Promise<StateItem[]>;
  /** A job's events in time order. */
  history(provider: string, partitionId: string, jobId: string): Promise<EventItem[]>;
  /** Jobs whose current status is `status`, updated at or after `sinceIso`, newest first; no Scan. */
  byStatusSince(status: string, sinceIso: string, limit?: number): Promise<StateItem[]>;
  /** Terminal events not yet marked notified, received before `beforeIso`; no Scan. */
  pendingNotifications(beforeIso: string, limit?: number): Promise<EventItem[]>;
}

/** A message ready for SNS (MessageStructure json). */
export interface OutgoingNotification {
  /** A systems topic (`succeeded`, `failed`) or the people's job-alerts topic. */
  topic: PublishTarget;
  subject: string;
  /** JSON string of the per-protocol structure (notification/build.ts says which entries each audience gets). */
  message: string;
  attributes: Record<string, string>;
}

export interface NotificationPublisher {
  /** Throws an error named in {@link REFUSED_MESSAGE_ERRORS} (or flagged `permanent`) when the message itself is refused. */
  publish(notification: OutgoingNotification): Promise<void>;
}

/**
 * SNS's names for refusing the message itself (too large, a value it cannot carry): no retry can fix it, so the
 * fan-out parks the event (core/fanout.ts) and the SNS adapter flags them (adapters/sns-publisher.ts).
 */
export const REFUSED_MESSAGE_ERRORS: ReadonlySet<string> = new Set([
  'InvalidParameter',
  'InvalidParameterException',
  'InvalidParameterValue',
  'InvalidParameterValueException',
  'ValidationException',
]);

/** A provider's webhook secrets: Secrets Manager with a short cache in AWS, the environment locally. */
export interface SecretSource {
  /** Throws DependencyError('secrets_unavailable') when the source cannot be read. */
  secrets(): Promise<readonly string[]>;
}
