/**
 * The watchdog in the local stack: the same handler as in Lambda, run on a short timer instead of an EventBridge
 * rule, so a newcomer can watch a stall happen (e.g. `LOCAL_STALL_DEADLINES='{"contentor":{"processing":"1m"}}'`).
 * Stalls notify through the local fan-out like in AWS: the console subscriber prints them.
 */
import { z } from 'zod';
import { makeDocumentClient } from '../lambda/adapters/dynamo-client';
import { DynamoWatchdogStore } from '../lambda/adapters/dynamo-watchdog-store';
import { makeTelemetry } from '../lambda/adapters/telemetry';
import type { ProviderRegistry } from '../lambda/core/providers';
import { parseStallDeadlines } from '../lambda/core/watchdog';
import { makeWatchdogHandler } from '../lambda/handlers/watchdog/handler';
import { issueLines } from '../lambda/contracts';

/** The local watchdog's environment; messages name the variable. */
export const LocalWatchdogEnvSchema = z.object({
  /** Milliseconds between sweeps; 0 turns the local watchdog off. */
  LOCAL_WATCHDOG_INTERVAL_MS: z.coerce.number().int().min(0).default(10_000),
  /** Deadline overrides, the same JSON as the `stallDeadlines` deploy setting. */
  LOCAL_STALL_DEADLINES: z.string().optional(),
  EVENT_RETENTION_DAYS: z.coerce.number().int().positive().default(90),
});

export interface LocalWatchdogOptions {
  dynamoEndpoint: string;
  tableName: string;
  /** Providers whose statuses deadlines may name (configured ones included). @default the built-ins */
  providers?: ProviderRegistry;
  log: (message: string) => void;
  env?: NodeJS.ProcessEnv;
}

/** Starts sweeping (first sweep right away); `stop` waits for a sweep in progress. Throws on a bad environment. */
export function startWatchdog(options: LocalWatchdogOptions): { stop: () => Promise<void> } {
  const parsed = LocalWatchdogEnvSchema.safeParse(options.env ?? process.env);
  if (!parsed.success) throw new Error(issueLines(parsed.error.issues).join('; '));
  const env = parsed.data;
  if (env.LOCAL_WATCHDOG_INTERVAL_MS === 0) {
    options.log('watchdog off (LOCAL_WATCHDOG_INTERVAL_MS=0)');
    return { stop: async () => undefined };
  }
  const deadlines = parseStallDeadlines(env.LOCAL_STALL_DEADLINES, 'LOCAL_STALL_DEADLINES', options.providers);
  const telemetry = makeTelemetry('watchdog');
  // The handler logs every sweep; locally only stalls and failures are worth a line.
  telemetry.logger.setLogLevel('SILENT');
  const handler = makeWatchdogHandler({
    store: new DynamoWatchdogStore(makeDocumentClient({ endpoint: options.dynamoEndpoint }), options.tableName),
    deadlines,
    retentionDays: env.EVENT_RETENTION_DAYS,
    telemetry,
  });
  const summary = deadlines.map((d) => `${d.provider} ${d.eventType} ${d.minutes} min`).join(', ');
  options.log(`watchdog sweeping every ${env.LOCAL_WATCHDOG_INTERVAL_MS} ms (deadlines: ${summary || 'none'})`);

  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const once = async () => {
    try {
      const result = await handler();
      for (const job of result.stalled) options.log(`watchdog: ${job.provider} ${job.jobId} stalled in ${job.stalledEventType} (event ${job.eventId})`);
    } catch (error) {
      options.log(`watchdog sweep failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  // setTimeout after each sweep rather than setInterval: sweeps never overlap, even against a slow DynamoDB Local.
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = once().then(schedule);
    }, env.LOCAL_WATCHDOG_INTERVAL_MS);
    timer.unref();
  };
  running = once().then(schedule);
  return {
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
