/**
 * The operations console over a big table: 10,000 jobs and 50,000 events seeded into a table on a DynamoDB Local of
 * its own (in memory: the stack's file-backed one writes several times slower, and seeding is not what is measured)
 * through the receiver's own ingest (each event with its own receive time, spread over the last week) and the
 * watchdog's own sweep (jobs left waiting stall), notifications marked as the fan-out marks them (a few left
 * pending, a few parked). Then the
 * console, in this process, is opened in Debian's chromium (playwright-core) and each page timed from the
 * browser's navigation timing: time to first byte (the server reads and renders the whole page before the first
 * byte) and full render (the load event). A benchmark: nothing passes or fails on time.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { launchHeadlessChromium } from './headless-chromium';
import { performance } from 'node:perf_hooks';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { makeDocumentClient } from '../lambda/adapters/dynamo-client';
import { DynamoJobQueries } from '../lambda/adapters/dynamo-job-queries';
import { DynamoNotificationLedger } from '../lambda/adapters/notification-ledger';
import { DynamoWatchdogStore } from '../lambda/adapters/dynamo-watchdog-store';
import { ingest } from '../lambda/core/ingest';
import { parseStallDeadlines, sweep } from '../lambda/core/watchdog';
import { receiverDepsFromEnv } from '../lambda/handlers/receiver/deps';
import { clientConfig, createTableInput, envNames, STACK_ID } from '../lambda/contracts';
import { builtInTrustEnv } from '../lambda/config/provider-env';
import { startDynamoDbLocal } from '../local/emulators';
import { startConsole } from '../tools/console/server';
import { openSources } from '../tools/console/sources';
import { contentorDelivery, type BenchTrust, type Delivery, panjayaDelivery } from './fixtures';
import { quantile, round } from './stats';

/** One page's timings over the measured runs. */
export interface ConsolePageTiming {
  readonly path: string;
  readonly runs: number;
  readonly ttfbMedianMs: number;
  readonly ttfbMaxMs: number;
  readonly renderMedianMs: number;
  readonly renderMaxMs: number;
  /** The HTML's size as sent. */
  readonly htmlBytes: number;
}

export interface ConsoleBenchResult {
  /** When the pages were timed. */
  readonly date: string;
  readonly jobs: number;
  readonly events: number;
  readonly seedSeconds: number;
  /** Terminal events left pending and parked (the rest marked notified, as the fan-out leaves them). */
  readonly pending: number;
  readonly parked: number;
  readonly browser: string;
  /** The machine's 1-minute load average when the pages were timed (the bench machine is shared). */
  readonly loadAverage: number;
  readonly pages: {
    readonly overview24h: ConsolePageTiming;
    readonly overview7d: ConsolePageTiming;
    readonly job: ConsolePageTiming;
    readonly failedList7d: ConsolePageTiming;
  };
  readonly mix: string;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Past Panjaya's 10-minute retry window, so a repeated body is a new cycle, stored. */
const EVENT_SPACING_MS = 11 * MINUTE;
const PENDING_LEFT = 25;
/** Longer than any default stall deadline (Panjaya's 3 h) plus a job's five events: such a job may have stalled. */
const STALLABLE_BEFORE_MS = 3 * HOUR + 5 * EVENT_SPACING_MS;
const PARKED = 5;

type Outcome = 'succeeded' | 'failed' | 'in_progress';

/**
 * 70 % succeeded, 15 % failed, 15 % left waiting (the watchdog stalls them); every 5th job Panjaya, the rest
 * Contentor. A job of the last few hours is never left waiting: it could not have stalled yet.
 */
function outcomeOf(i: number, startMs: number, now: number): Outcome {
  const r = i % 20;
  if (r < 14) return 'succeeded';
  if (r < 17) return 'failed';
  return startMs < now - STALLABLE_BEFORE_MS ? 'in_progress' : 'succeeded';
}

/** A job's deliveries (five; four for one left waiting, the watchdog's stall is its fifth), each with its instant. */
function jobEvents(trust: BenchTrust, i: number, startMs: number, now: number): Array<{ delivery: Delivery; at: Date }> {
  const outcome = outcomeOf(i, startMs, now);
  const at = (k: number) => new Date(startMs + k * EVENT_SPACING_MS);
  if (i % 5 === 4) {
    const asset = `bench-asset-${i}`;
    // A regeneration: generating and ready twice (the same bodies, past the retry window: new events), then the last;
    // one left waiting ends generating (3-hour deadline), not ready (48 hours).
    const events =
      outcome === 'in_progress'
        ? ['version_ready', 'version_generating', 'version_ready', 'version_generating']
        : ['version_generating', 'version_ready', 'version_generating', 'version_ready', outcome === 'succeeded' ? 'version_generated' : 'version_failed'];
    return events.map((event, k) => ({
      delivery: panjayaDelivery(trust, asset, 'v1', event),
      at: at(k),
    }));
  }
  const uuid = `bench-job-${String(i).padStart(5, '0')}`;
  const last = outcome === 'succeeded' ? ['completed'] : outcome === 'failed' ? ['failed'] : [];
  return ['downloading', 'processing', 'uploading', 'processing', ...last].map((status, k) => ({
    delivery: contentorDelivery(trust, uuid, status, at(k).toISOString(), 'contentor-header'),
    at: at(k),
  }));
}

/**
 * The watchdog as it runs deployed, replayed over the week: its own sweep every hour of virtual time (the deployed
 * default is every 5 minutes; hourly is enough for these deadlines of hours), so jobs left waiting stall when their
 * deadline passes, each stall an event of its job. Returns the stalls written.
 */
async function replayWatchdog(endpoint: string, tableName: string, now: number): Promise<number> {
  const store = new DynamoWatchdogStore(makeDocumentClient({ endpoint }), tableName);
  const log = { info: () => undefined, error: () => undefined };
  let stalled = 0;
  for (let t = now - 7 * DAY; t <= now; t += HOUR) {
    const result = await sweep({ store, deadlines: parseStallDeadlines(undefined), retentionDays: 90, now: () => new Date(Math.min(t, now)), log });
    stalled += result.stalled.length;
  }
  return stalled;
}

async function pool<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < items.length; i = next++) await work(items[i] as T);
    }),
  );
}

/** Seeds `jobs` jobs over the last 7 days through ingest and the watchdog; returns the events stored. */
export async function seed(endpoint: string, trust: BenchTrust, tableName: string, jobs: number, now: number, log: (m: string) => void): Promise<number> {
  const deps = receiverDepsFromEnv({
    [envNames.tableName]: tableName,
    [envNames.dynamoDbEndpoint]: endpoint,
    ...builtInTrustEnv({ panjaya: trust.panjayaPublicKeyPem, contentor: trust.contentorSecret }),
  });
  const span = 7 * DAY - 6 * EVENT_SPACING_MS;
  let stored = 0;
  const indexes = Array.from({ length: jobs }, (_, i) => i);
  await pool(indexes, 32, async (i) => {
    for (const { delivery, at } of jobEvents(trust, i, now - 7 * DAY + Math.floor((i / jobs) * span), now)) {
      const result = await ingest(
        { providerName: delivery.provider, body: delivery.body, isBase64Encoded: false, headers: delivery.headers },
        { ...deps, now: () => at },
      );
      if (result.kind !== 'stored' || result.stored.outcome !== 'accepted') throw new Error(`seeding job ${i}: ${JSON.stringify(result)}`);
      stored++;
    }
    if (i % 2000 === 1999) log(`  seeded ${i + 1} jobs`);
  });
  return stored + (await replayWatchdog(endpoint, tableName, now));
}

/** Marks terminal events notified as the fan-out does, leaving the newest few pending and parking a few. */
export async function settleNotifications(endpoint: string, tableName: string): Promise<{ pending: number; parked: number }> {
  const doc = makeDocumentClient({ endpoint });
  const { items } = await new DynamoJobQueries({ client: doc, tableName }).pendingNotificationsReport(new Date().toISOString(), Number.POSITIVE_INFINITY);
  const ledger = new DynamoNotificationLedger(doc, tableName);
  const settle = items.slice(0, Math.max(0, items.length - PENDING_LEFT - PARKED));
  await pool(settle, 16, async (item) => void (await ledger.markNotified(item, item.receivedAt)));
  for (const item of items.slice(settle.length, settle.length + PARKED))
    await ledger.markUndeliverable(item, 'SNS refused the notification (InvalidParameter): bench', new Date().toISOString());
  return { pending: items.length - settle.length - PARKED, parked: PARKED };
}

/** The browser's navigation timing of one page load. */
interface NavigationTiming {
  readonly ttfb: number;
  readonly render: number;
  readonly bytes: number;
}

export async function measureConsole(options: {
  readonly trust: BenchTrust;
  readonly jobs?: number;
  readonly runs?: number;
  readonly log: (message: string) => void;
}): Promise<ConsoleBenchResult> {
  const { trust, log } = options;
  const jobs = options.jobs ?? 10_000;
  const runs = options.runs ?? 7;
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-console-'));
  const dynamo = await startDynamoDbLocal();
  const tableName = 'console-bench';
  await new DynamoDBClient(clientConfig(dynamo.endpoint)).send(new CreateTableCommand(createTableInput(tableName)));
  const now = Date.now();
  log(`console: seeding ${jobs} jobs × 5 events through ingest…`);
  const started = performance.now();
  const events = await seed(dynamo.endpoint, trust, tableName, jobs, now, log);
  const notifications = await settleNotifications(dynamo.endpoint, tableName);
  const seedSeconds = round((performance.now() - started) / 1000, 1);
  log(`console: ${events} events in ${seedSeconds} s; ${notifications.pending} pending, ${notifications.parked} parked`);

  const outputsFile = path.join(dir, 'outputs.json');
  writeFileSync(outputsFile, JSON.stringify({ [STACK_ID]: { TableName: tableName, DynamoDbEndpoint: dynamo.endpoint } }));
  const running = await startConsole({ sources: openSources(outputsFile, { LOCAL_STATE_DIR: dir }), port: 0 });
  const context = await launchHeadlessChromium(path.join(dir, 'chromium'));
  try {
    const page = await context.newPage();
    await page.goto(running.url);
    const origin = `http://127.0.0.1:${running.port}`;
    const load = async (pathName: string): Promise<NavigationTiming> => {
      await page.goto(`${origin}${pathName}`, { waitUntil: 'load' });
      return page.evaluate(() => {
        // Runs in the page: its Navigation Timing entry (the DOM types are not in this project's compiler lib).
        type Entry = { requestStart: number; responseStart: number; loadEventEnd: number; startTime: number; encodedBodySize: number };
        const page = globalThis as unknown as { performance: { getEntriesByType(type: string): Entry[] } };
        const entry = page.performance.getEntriesByType('navigation')[0] as Entry;
        return { ttfb: entry.responseStart - entry.requestStart, render: entry.loadEventEnd - entry.startTime, bytes: entry.encodedBodySize };
      });
    };
    const time = async (pathName: string): Promise<ConsolePageTiming> => {
      await load(pathName); // warm: the first load also pays for connections and the SDK's first requests
      const timings: NavigationTiming[] = [];
      for (let i = 0; i < runs; i++) timings.push(await load(pathName));
      const ttfb = timings.map((t) => t.ttfb);
      const render = timings.map((t) => t.render);
      return {
        path: pathName,
        runs,
        ttfbMedianMs: round(quantile(ttfb, 0.5)),
        ttfbMaxMs: round(Math.max(...ttfb)),
        renderMedianMs: round(quantile(render, 0.5)),
        renderMaxMs: round(Math.max(...render)),
        htmlBytes: timings[0]?.bytes ?? 0,
      };
    };
    log('console: timing pages in chromium…');
    // A failed Contentor job of the middle of the week (15 mod 20 fails, and is not a 5th, Panjaya job): five events.
    const failedJob = `bench-job-${String(Math.floor(jobs / 2 / 20) * 20 + 15).padStart(5, '0')}`;
    const pages = {
      overview24h: await time('/?period=24h'),
      overview7d: await time('/?period=7d'),
      job: await time(`/job?provider=contentor&partition=${failedJob}&job=${failedJob}`),
      failedList7d: await time('/jobs?status=failed&since=7d'),
    };
    return {
      date: new Date().toISOString(),
      jobs,
      events,
      loadAverage: round(os.loadavg()[0] ?? 0, 1),
      seedSeconds,
      ...notifications,
      browser: await page.evaluate(() => (globalThis as unknown as { navigator: { userAgent: string } }).navigator.userAgent),
      pages,
      mix: `${jobs} jobs of 5 events over the last 7 days (every 5th Panjaya with a regeneration, the rest Contentor): 70% succeeded, 15% failed, 15% left waiting and stalled by the watchdog's own sweep (hourly over the week; the stall is their 5th event); every notification published but ${notifications.pending} pending and ${notifications.parked} parked`,
    };
  } finally {
    await context.close();
    await running.stop();
    await dynamo.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
