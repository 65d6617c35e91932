/**
 * Watchdog function: run on a schedule, one sweep per invocation (core/watchdog/sweep.ts). Thin: environment,
 * telemetry and the outcome here. A sweep with any failure throws after finishing the other jobs, so the function's
 * Errors metric (and the alarm on it) sees it; the next scheduled sweep retries, the writes being idempotent.
 */
import * as z from 'zod/mini';
import { envNames, metricNames, issueLines } from '../contracts';
import { makeDocumentClient } from '../adapters/dynamo-client';
import { DynamoWatchdogStore } from '../adapters/dynamo-watchdog-store';
import { makeTelemetry, type Telemetry } from '../adapters/telemetry';
import { parseStallDeadlines, sweep, type StallDeadlines, type SweepResult, type WatchdogStore } from '../core/watchdog';
import { providersFromEnv } from './provider-wiring';

/** What the handler needs; tests and the local stack pass a store on DynamoDB Local and their own clock. */
export interface WatchdogHandlerDeps {
  readonly store: WatchdogStore;
  readonly deadlines: StallDeadlines;
  readonly retentionDays: number;
  readonly telemetry: Telemetry;
  readonly now?: () => Date;
  /** Called at the start of every invocation; throws when required configuration is missing. */
  readonly ready?: () => void;
}

/** Thrown when a sweep finished with failed stall writes (each was logged with its job id). */
export class SweepFailedError extends Error {
  override readonly name = 'SweepFailedError';
  constructor(readonly result: SweepResult) {
    super(`${result.failures.length} stall write(s) failed: ${result.failures.map((f) => f.jobId).join(', ')}`);
  }
}

export function makeHandler(deps: WatchdogHandlerDeps) {
  const { logger } = deps.telemetry;
  const log = {
    info: (message: string, fields: Record<string, unknown> = {}) => logger.info(message, fields),
    error: (message: string, fields: Record<string, unknown> = {}) => logger.error(message, fields),
  };
  return async (): Promise<SweepResult> => {
    deps.ready?.();
    const result = await sweep({ ...deps, now: deps.now ?? (() => new Date()), log });
    for (const job of result.stalled) deps.telemetry.count(metricNames.stalled, { provider: job.provider });
    for (const _ of result.failures) deps.telemetry.count(metricNames.stallWriteFailed);
    // Most sweeps find nothing: no metrics to flush (Powertools would log a warning every few minutes).
    if (result.stalled.length + result.failures.length > 0) deps.telemetry.flush();
    logger.info('sweep done', { examined: result.examined, stalled: result.stalled.length, skipped: result.skipped, invalid: result.invalid, failed: result.failures.length });
    if (result.failures.length > 0) throw new SweepFailedError(result);
    return result;
  };
}

const WatchdogEnvSchema = z.object({
  [envNames.tableName]: z.string().check(z.minLength(1)),
  [envNames.stallDeadlines]: z.optional(z.string()),
  [envNames.eventRetentionDays]: z._default(z.pipe(z.coerce.number(), z.int().check(z.positive())), 90),
});

/**
 * Production wiring, read on the first invocation (so tests can import `makeHandler` without it); a missing or bad
 * variable fails that invocation loudly, naming the variable.
 */
export function defaultDeps(env: NodeJS.ProcessEnv = process.env): WatchdogHandlerDeps {
  let wired: { store: WatchdogStore; deadlines: StallDeadlines; retentionDays: number } | undefined;
  const wire = () => {
    if (wired) return wired;
    const parsed = WatchdogEnvSchema.safeParse(env);
    if (!parsed.success) {
      throw new Error(`watchdog environment is invalid: ${issueLines(parsed.error.issues).join('; ')}`);
    }
    const e = parsed.data;
    wired = {
      store: new DynamoWatchdogStore(makeDocumentClient(), e[envNames.tableName]),
      deadlines: parseStallDeadlines(e[envNames.stallDeadlines], envNames.stallDeadlines, providersFromEnv(env)),
      retentionDays: e[envNames.eventRetentionDays],
    };
    return wired;
  };
  return {
    store: {
      statesBefore: (status, before, limit) => wire().store.statesBefore(status, before, limit),
      writeStall: (event, update) => wire().store.writeStall(event, update),
    },
    // Read lazily through getters so the first invocation's wiring supplies them.
    get deadlines() {
      return wire().deadlines;
    },
    get retentionDays() {
      return wire().retentionDays;
    },
    telemetry: makeTelemetry('watchdog'),
    ready: () => void wire(),
  };
}

export const handler = makeHandler(defaultDeps());
