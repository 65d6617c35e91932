/**
 * Watchdog function: run on a schedule, one sweep per invocation (core/watchdog/sweep.ts). Thin: environment,
 * telemetry and the outcome here. A sweep with any failure throws after finishing the other jobs, so the function's
 * Errors metric (and the alarm on it) sees it; the next scheduled sweep retries, the writes being idempotent.
 */
import { metricNames } from '../../contracts';
import type { Telemetry } from '../../adapters/telemetry';
import { sweep, type StallDeadlines, type SweepResult, type WatchdogStore } from '../../core/watchdog';

/** What the handler needs; tests and the local stack pass a store on DynamoDB Local and their own clock. */
export interface WatchdogHandlerDeps {
  readonly store: WatchdogStore;
  readonly deadlines: StallDeadlines;
  readonly retentionDays: number;
  readonly telemetry: Telemetry;
  readonly now?: () => Date;
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
