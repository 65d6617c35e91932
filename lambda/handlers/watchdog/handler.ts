/**
 * Watchdog function: run on a schedule, one sweep per invocation (core/watchdog/sweep.ts). Thin: environment,
 * telemetry and the outcome here. A sweep with any failure throws after finishing the other jobs, so the function's
 * Errors metric (and the alarm on it) sees it; the next scheduled sweep retries, the writes being idempotent.
 */
import { metricNames, watchdogTasks } from '../../contracts';
import type { Telemetry } from '../../adapters/telemetry';
import { flushClosedWindows, type FlushDeps, type FlushedWindow } from '../../core/alerts';
import { sweep, type StallDeadlines, type SweepResult, type WatchdogStore } from '../../core/watchdog';

/** What the handler needs; tests and the local stack pass a store on DynamoDB Local and their own clock. */
export interface WatchdogHandlerDeps {
  readonly store: WatchdogStore;
  readonly deadlines: StallDeadlines;
  readonly retentionDays: number;
  readonly telemetry: Telemetry;
  readonly now?: () => Date;
  /** The digest flush of closed alert windows (the job-alerts topic); absent when the stack has none. */
  readonly digests?: Omit<FlushDeps, 'now'>;
}

/** What the schedules send: `{ "task": "flush-alert-digests" }`, or EventBridge's own event (a sweep). */
export interface WatchdogEvent {
  readonly task?: string;
}

/** Thrown when a digest flush failed for some window (each logged); the next flush, a minute later, retries it. */
export class DigestFlushFailedError extends Error {
  override readonly name = 'DigestFlushFailedError';
  constructor(readonly windows: readonly string[]) {
    super(`digest flush failed for window(s) ${windows.join(', ')}`);
  }
}

/** Thrown when a sweep finished with failed stall writes (each was logged with its job id). */
export class SweepFailedError extends Error {
  override readonly name = 'SweepFailedError';
  constructor(readonly result: SweepResult) {
    super(`${result.failures.length} stall write(s) failed: ${result.failures.map((f) => f.jobId).join(', ')}`);
  }
}

export function makeWatchdogHandler(deps: WatchdogHandlerDeps) {
  const { logger } = deps.telemetry;
  const log = {
    info: (message: string, fields: Record<string, unknown> = {}) => logger.info(message, fields),
    error: (message: string, fields: Record<string, unknown> = {}) => logger.error(message, fields),
  };
  return async (): Promise<SweepResult> => {
    const result = await sweep({ ...deps, now: deps.now ?? (() => new Date()), log });
    for (const job of result.stalled) deps.telemetry.count(metricNames.stalled, { provider: job.provider });
    for (const _ of result.failures) deps.telemetry.count(metricNames.stallWriteFailed);
    // Most sweeps find nothing: no metrics to flush (Powertools would log a warning every few minutes).
    if (result.stalled.length + result.failures.length > 0) deps.telemetry.flush();
    logger.info('sweep done', {
      examined: result.examined,
      stalled: result.stalled.length,
      skipped: result.skipped,
      invalid: result.invalid,
      failed: result.failures.length,
    });
    if (result.failures.length > 0) throw new SweepFailedError(result);
    return result;
  };
}

/** The digest flush of closed alert windows, run by the one-minute schedule (and the local stack's timer). */
export function makeDigestFlushHandler(deps: WatchdogHandlerDeps) {
  const { logger } = deps.telemetry;
  return async (): Promise<FlushedWindow[]> => {
    if (!deps.digests) return [];
    const { flushed, failures } = await flushClosedWindows({ ...deps.digests, now: deps.now ?? (() => new Date()) });
    for (const window of flushed) if (window.outcome === 'sent') deps.telemetry.count(metricNames.digestPublished);
    for (const failure of failures) {
      deps.telemetry.count(metricNames.alertFailed);
      logger.error('digest flush failed', {
        windowStart: failure.windowStart,
        reason: failure.error instanceof Error ? failure.error.message : String(failure.error),
      });
    }
    // Most minutes have no closed window: nothing to flush, no metrics line.
    if (flushed.length + failures.length > 0) deps.telemetry.flush();
    if (failures.length > 0) throw new DigestFlushFailedError(failures.map((f) => f.windowStart));
    return flushed;
  };
}

/** The Lambda entry's dispatch: the digest schedule sends `{ "task": "flush-alert-digests" }`, the sweep schedule anything else. */
export function makeScheduledHandler(deps: WatchdogHandlerDeps) {
  const sweepOnce = makeWatchdogHandler(deps);
  const flush = makeDigestFlushHandler(deps);
  return async (event?: WatchdogEvent): Promise<SweepResult | FlushedWindow[]> => (event?.task === watchdogTasks.flushDigests ? flush() : sweepOnce());
}
