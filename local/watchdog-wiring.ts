/**
 * The watchdog in the local stack: the same handlers as in Lambda, wired by their own deps.ts from the environment
 * the stack sets, run on short timers instead of EventBridge rules, so a newcomer can watch a stall happen (e.g.
 * `LOCAL_STALL_DEADLINES='{"contentor":{"processing":"1m"}}'`) and a digest go out (`LOCAL_ALERT_WINDOW_SECONDS`).
 * Stalls notify through the local fan-out like in AWS: the console subscriber prints them.
 */
import { z } from 'zod';
import { envNames, issueLines } from '../lambda/contracts';
import type { WatchdogEnvInput } from '../lambda/config/watchdog-env';
import { watchdogDepsFromEnv } from '../lambda/handlers/watchdog/deps';
import { makeDigestFlushHandler, makeWatchdogHandler } from '../lambda/handlers/watchdog/handler';

/** The local watchdog's own settings; messages name the variable. */
export const LocalWatchdogEnvSchema = z.object({
  /** Milliseconds between sweeps; 0 turns the local watchdog off. */
  LOCAL_WATCHDOG_INTERVAL_MS: z.coerce.number().int().min(0).default(10_000),
});

export interface LocalWatchdogOptions {
  /** The watchdog function's environment (lambda/config/watchdog-env.ts), endpoints included. */
  functionEnv: WatchdogEnvInput;
  log: (message: string) => void;
  /** Where LOCAL_WATCHDOG_INTERVAL_MS is read. @default process.env */
  env?: NodeJS.ProcessEnv;
}

/** Runs `task` now and then every `intervalMs` after it finished (never overlapping); `stop` waits for a run in progress. */
function every(intervalMs: number, task: () => Promise<void>): { stop: () => Promise<void> } {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = task().then(schedule);
    }, intervalMs);
    timer.unref();
  };
  running = task().then(schedule);
  return {
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}

/** How often closed alert windows are flushed locally: a few times per window, at most once a minute (as deployed). */
export function digestFlushIntervalMs(windowSeconds: number): number {
  return Math.min(60_000, Math.max(500, Math.floor((windowSeconds * 1000) / 4)));
}

/** Starts sweeping (first sweep right away) and flushing digests; throws on a bad environment. */
export function startWatchdog(options: LocalWatchdogOptions): { stop: () => Promise<void> } {
  const parsed = LocalWatchdogEnvSchema.safeParse(options.env ?? process.env);
  if (!parsed.success) throw new Error(issueLines(parsed.error.issues).join('; '));
  const intervalMs = parsed.data.LOCAL_WATCHDOG_INTERVAL_MS;
  const deps = watchdogDepsFromEnv(options.functionEnv);
  // The handler logs every sweep; locally only stalls and failures are worth a line.
  deps.telemetry.logger.setLogLevel('SILENT');
  const timers: Array<{ stop: () => Promise<void> }> = [];

  if (intervalMs === 0) options.log('watchdog off (LOCAL_WATCHDOG_INTERVAL_MS=0)');
  else {
    const sweep = makeWatchdogHandler(deps);
    const summary = deps.deadlines.map((d) => `${d.provider} ${d.eventType} ${d.minutes} min`).join(', ');
    options.log(`watchdog sweeping every ${intervalMs} ms (deadlines: ${summary || 'none'})`);
    timers.push(
      every(intervalMs, async () => {
        try {
          const result = await sweep();
          for (const job of result.stalled) options.log(`watchdog: ${job.provider} ${job.jobId} stalled in ${job.stalledEventType} (event ${job.eventId})`);
        } catch (error) {
          options.log(`watchdog sweep failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      }),
    );
  }

  if (deps.digests) {
    const flush = makeDigestFlushHandler(deps);
    const settings = deps.digests.settings;
    options.log(
      `alerts: up to ${settings.perWindow} per ${settings.windowSeconds} s window on the job-alerts topic, then one digest (${envNames.alertsPerWindow}/${envNames.alertWindowSeconds}: LOCAL_ALERTS_PER_WINDOW, LOCAL_ALERT_WINDOW_SECONDS)`,
    );
    timers.push(
      every(digestFlushIntervalMs(settings.windowSeconds), async () => {
        try {
          for (const window of await flush())
            if (window.outcome === 'sent') options.log(`digest of the window from ${window.windowStart}: ${window.digestTotal} job(s)`);
        } catch (error) {
          options.log(`digest flush failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      }),
    );
  }
  return { stop: async () => void (await Promise.all(timers.map((t) => t.stop()))) };
}
