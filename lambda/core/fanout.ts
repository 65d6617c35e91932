/**
 * Fan-out orchestration: stream records of new terminal events -> one SNS message each -> mark notified.
 * Pure apart from the ports it is given (publisher, ledger): no SDK here, so it is tested with in-memory fakes and
 * run by the Lambda handler, the local stream poller and (per item) the re-drive tool alike.
 */
import { EventItemSchema, type EventItem } from './items';
import { REFUSED_MESSAGE_ERRORS, type NotificationPublisher } from './ports';
import type { ProviderRegistry } from './providers';
import { buildNotification, NotNotifiableError, UndeliverableError } from './notification';
import { alertEvent, flushClosedWindows, type AlertOutcome, type AlertSettings, type AlertStore, type FlushedWindow } from './alerts';
import { issueLines } from '../contracts';

/** Primary key of an event item. */
export interface ItemKey {
  pk: string;
  sk: string;
}

/** Remembers which terminal events still need a notification (the sparse pending index keys on the item). */
export interface NotificationLedger {
  /** True while the item still carries its pending-index keys. Strongly consistent: a retry must see a mark. */
  isPending(key: ItemKey): Promise<boolean>;
  /** Clears the pending keys and records `notifiedAt`; `already` when it was cleared before (someone else won). */
  markNotified(key: ItemKey, notifiedAtIso: string): Promise<'marked' | 'already'>;
  /**
   * Records why the event can never become a message (parked). The pending keys stay, so re-drive still finds it;
   * `already` when it is no longer pending.
   */
  markUndeliverable(key: ItemKey, reason: string, atIso: string): Promise<'marked' | 'already'>;
}

/** Minimal structured log the core writes to (Powertools logger in AWS, console locally). */
export interface FanoutLog {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** One stream record, already decoded from the DynamoDB attribute format by the caller. */
export interface FanoutRecord {
  /** The stream sequence number: the batch item identifier Lambda expects back. */
  sequenceNumber: string;
  /** The NewImage's top-level scalars we wrote, as a plain object, or undefined when it could not be decoded. */
  image: Record<string, unknown> | undefined;
  /** The item's key when the image had one (so even an undecodable record can be parked). */
  key?: ItemKey;
  /** Why decoding failed, for the log. */
  decodeError?: string;
}

export interface FanoutDeps {
  readonly publisher: NotificationPublisher;
  readonly ledger: NotificationLedger;
  readonly jobsCommandHint: string;
  /** Providers for wording and job naming (configured ones included). @default the built-ins */
  readonly providers?: ProviderRegistry;
  readonly log: FanoutLog;
  readonly now?: () => Date;
  /**
   * Pauses before re-trying a failed mark after a successful publish (none by default). A mark lost there means the
   * event is published again later, so a short storage blip is worth waiting out.
   */
  readonly markRetryDelaysMs?: readonly number[];
  /**
   * Alerts for people (lambda/core/alerts): after a batch's systems messages, each alert-worthy event is alerted or
   * left for its window's digest, and closed windows' digests are flushed. Absent: no alerts (re-drive, old wiring).
   */
  readonly alerts?: FanoutAlerts;
}

/** What the fan-out needs for the job-alerts topic (the publisher is the fan-out's own). */
export interface FanoutAlerts {
  readonly store: AlertStore;
  readonly settings: AlertSettings;
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * Mark retries the deployed and local fan-out use: about 12.5 s in all (a restarted DynamoDB Local takes ~6 s),
 * inside the fan-out function's 30 s timeout; only a record whose publish succeeded ever waits.
 */
export const DEFAULT_MARK_RETRY_DELAYS_MS: readonly number[] = [100, 200, 400, 800, 1600, 3200, 3200, 3200];

/** `parked`: can never become a message; marked undeliverable (or logged when it has no key) and passed over. */
export type RecordOutcome = 'published' | 'skipped' | 'parked' | 'failed' | 'not_attempted';

export interface FanoutResult {
  /** Sequence numbers to return as batch item failures: the first transient failure and every record after it. */
  failures: string[];
  outcomes: Array<{ sequenceNumber: string; outcome: RecordOutcome; eventId?: string; reason?: string }>;
  /** The alerts step (never part of `failures`: a failed alert is counted into a digest or alarmed, never retried as a batch). */
  alerts: Array<{ eventId: string; outcome: AlertOutcome | 'failed'; reason?: string }>;
  /** Windows whose digest this invocation flushed. */
  digests: FlushedWindow[];
  /** Digest flushes that failed (the next flush retries them). */
  digestFailures: Array<{ windowStart: string; reason: string }>;
}

export type PublishOutcome = { outcome: 'published'; marked: 'marked' | 'already' } | { outcome: 'skipped' };

/**
 * Publishes one event unless it is no longer pending, then marks it. Used per record by the fan-out and per item
 * by the re-drive, so both follow the same rule. Throws when publishing or marking fails (the event stays pending).
 */
export async function publishIfPending(item: EventItem, deps: Omit<FanoutDeps, 'log'>): Promise<PublishOutcome> {
  const key = { pk: item.pk, sk: item.sk };
  if (!(await deps.ledger.isPending(key))) return { outcome: 'skipped' };
  const notification = buildNotification(item, { jobsCommandHint: deps.jobsCommandHint, providers: deps.providers });
  await deps.publisher.publish(notification);
  const at = (deps.now?.() ?? new Date()).toISOString();
  for (const delayMs of deps.markRetryDelaysMs ?? []) {
    try {
      return { outcome: 'published', marked: await deps.ledger.markNotified(key, at) };
    } catch {
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
  return { outcome: 'published', marked: await deps.ledger.markNotified(key, at) };
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Why an error means the record can never become a message, or undefined when a retry may succeed. */
export function permanentReason(error: unknown): string | undefined {
  if (error instanceof UndeliverableError || error instanceof NotNotifiableError) return error.message;
  // The SNS adapter flags the refusals it knows to be about the message itself (adapters/sns-publisher.ts).
  if (error instanceof Error && (error as { permanent?: unknown }).permanent === true) return `SNS refused the message: ${describeError(error)}`;
  // Everything else (throttling, network, KMS, DynamoDB) is transient and fails the batch from that record on.
  if (error instanceof Error && REFUSED_MESSAGE_ERRORS.has(error.name)) return `SNS refused the message: ${describeError(error)}`;
  return undefined;
}

function zodReason(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): string {
  return `not an event item: ${issueLines(issues).join('; ')}`;
}

type RecordResult = FanoutResult['outcomes'][number] & { item?: EventItem };

/**
 * One record: publish if still pending, or park it when it can never become a message. Throws only for transient
 * failures (the caller fails the batch from here).
 */
async function processRecord(record: FanoutRecord, deps: FanoutDeps): Promise<RecordResult> {
  const { sequenceNumber } = record;
  const parsed = record.image ? EventItemSchema.safeParse(record.image) : undefined;
  if (!parsed?.success) {
    const reason = record.decodeError ?? (parsed ? zodReason(parsed.error.issues) : 'record has no NewImage');
    return park(record, record.key, reason, deps);
  }
  const item = parsed.data;
  try {
    const result = await publishIfPending(item, deps);
    if (result.outcome === 'skipped') {
      deps.log.info('event already notified, skipped', { sequenceNumber, eventId: item.eventId });
    } else if (result.marked === 'already') {
      // A re-drive marked it between our check and our mark: subscribers may see it twice (dedupe by eventId).
      deps.log.warn('event was marked notified concurrently', { sequenceNumber, eventId: item.eventId });
    } else {
      deps.log.info('notification published', { sequenceNumber, eventId: item.eventId, provider: item.provider, jobId: item.jobId, status: item.status });
    }
    return { sequenceNumber, outcome: result.outcome, eventId: item.eventId, item };
  } catch (error) {
    const reason = permanentReason(error);
    if (reason === undefined) throw Object.assign(new Error(describeError(error)), { eventId: item.eventId });
    return park(record, { pk: item.pk, sk: item.sk }, reason, deps, item.eventId);
  }
}

/** Marks a permanently failing record undeliverable (a transient failure to mark is thrown: the batch retries). */
async function park(record: FanoutRecord, key: ItemKey | undefined, reason: string, deps: FanoutDeps, eventId?: string): Promise<RecordResult> {
  const { sequenceNumber } = record;
  if (key !== undefined) await deps.ledger.markUndeliverable(key, reason, (deps.now?.() ?? new Date()).toISOString());
  // The reason is ours (schema paths, error names): no payload value reaches the log.
  deps.log.error('event parked: it cannot become a notification', { sequenceNumber, eventId, pk: key?.pk, sk: key?.sk, reason });
  return { sequenceNumber, outcome: 'parked', ...(eventId === undefined ? {} : { eventId }), reason };
}

/**
 * Processes records in order. A record that can never become a message is parked and the next one goes on; on the
 * first transient failure (publish, mark) that record and all later ones are reported as failures and not
 * attempted, so Lambda's retry resumes exactly there: nothing is published twice by a retry, except the one event
 * whose publish succeeded and whose mark failed (at-least-once). Only then, with every systems message of the batch
 * out, come the alerts for people and the digests of closed windows: they can wait for a rate slot, the systems path
 * never does, and no alert failure fails the batch.
 */
export async function fanOut(records: readonly FanoutRecord[], deps: FanoutDeps): Promise<FanoutResult> {
  const processed: RecordResult[] = [];
  let failures: string[] = [];
  for (const [index, record] of records.entries()) {
    try {
      processed.push(await processRecord(record, deps));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const eventId = (error as { eventId?: string }).eventId;
      deps.log.error('notification failed', { sequenceNumber: record.sequenceNumber, eventId, reason });
      processed.push({ sequenceNumber: record.sequenceNumber, outcome: 'failed', ...(eventId === undefined ? {} : { eventId }), reason });
      for (const rest of records.slice(index + 1)) processed.push({ sequenceNumber: rest.sequenceNumber, outcome: 'not_attempted' });
      failures = records.slice(index).map((r) => r.sequenceNumber);
      break;
    }
  }
  const outcomes = processed.map(({ item: _item, ...outcome }) => outcome);
  if (!deps.alerts) return { failures, outcomes, alerts: [], digests: [], digestFailures: [] };
  // Published now, or by an earlier attempt whose alert step may not have run: the decision is idempotent either way.
  const notified = processed.flatMap((r) => (r.item && (r.outcome === 'published' || r.outcome === 'skipped') ? [r.item] : []));
  return { failures, outcomes, ...(await alertStep(notified, deps, deps.alerts)) };
}

/** How often one fan-out container looks for closed alert windows to flush. */
export const FANOUT_FLUSH_EVERY_MS = 2_000;
const lastFlushAt = new WeakMap<FanoutAlerts, number>();

/** The most the alert step of one invocation waits for rate slots in all (the fan-out's timeout is 30 s). */
export const ALERT_STEP_WAIT_MS = 12_000;

async function alertStep(
  items: readonly EventItem[],
  deps: FanoutDeps,
  alerts: FanoutAlerts,
): Promise<Pick<FanoutResult, 'alerts' | 'digests' | 'digestFailures'>> {
  const now = deps.now ?? (() => new Date());
  const alertDeps = {
    store: alerts.store,
    publisher: deps.publisher,
    settings: alerts.settings,
    jobsCommandHint: deps.jobsCommandHint,
    providers: deps.providers,
    now,
    sleep: alerts.sleep,
    // However many alerts a batch holds, waiting for rate slots ends inside the function's timeout; an alert that
    // gets no slot by then is counted into its window's digest.
    waitUntilMs: now().getTime() + ALERT_STEP_WAIT_MS,
  };
  const results: FanoutResult['alerts'] = [];
  for (const item of items) {
    try {
      const outcome = await alertEvent(item, alertDeps);
      if (outcome !== 'not-alert-worthy') deps.log.info('alert step', { eventId: item.eventId, outcome });
      results.push({ eventId: item.eventId, outcome });
    } catch (error) {
      // The systems message is out and marked; this event's alert is counted into its window's digest by the flush
      // when it was decided, and otherwise alarmed (AlertFailed) for an operator.
      const reason = describeError(error);
      deps.log.error('alert failed', { eventId: item.eventId, reason });
      results.push({ eventId: item.eventId, outcome: 'failed', reason });
    }
  }
  let flush: Awaited<ReturnType<typeof flushClosedWindows>> = { flushed: [], failures: [] };
  // A busy stream invokes the fan-out many times a second: one look for closed windows every few seconds per
  // container is enough (the watchdog's digest task looks every minute whatever happens).
  const nowMs = now().getTime();
  if (nowMs - (lastFlushAt.get(alerts) ?? Number.NEGATIVE_INFINITY) >= FANOUT_FLUSH_EVERY_MS) {
    lastFlushAt.set(alerts, nowMs);
    try {
      flush = await flushClosedWindows(alertDeps);
    } catch (error) {
      flush = { flushed: [], failures: [{ windowStart: '-', error }] };
    }
  }
  for (const f of flush.failures) deps.log.error('digest flush failed', { windowStart: f.windowStart, reason: describeError(f.error) });
  for (const d of flush.flushed) if (d.outcome === 'sent') deps.log.info('digest published', { windowStart: d.windowStart, total: d.digestTotal });
  return {
    alerts: results,
    digests: flush.flushed,
    digestFailures: flush.failures.map((f) => ({ windowStart: f.windowStart, reason: describeError(f.error) })),
  };
}
