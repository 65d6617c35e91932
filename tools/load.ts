/**
 * Load and fault driver (`npm run test:load -- [--size N]`): starts the local stack in this process (temp state dir,
 * any free port), sends thousands of signed deliveries from concurrent senders that behave like providers (retry on
 * 5xx, 429 and connection errors; ~10% duplicates; shuffled order; Panjaya regeneration cycles), injects faults
 * (DynamoDB Local killed, fauxqs killed, a poison stream record), re-drives what stayed pending, and then checks
 * the promises: every job's state is its newest event, every distinct event is logged once, and every distinct
 * terminal event is notified exactly once, as observed by an SQS queue subscribed to both topics.
 */
import './lib/quiet-node-warning';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoNotificationLedger } from '../lambda/adapters/notification-ledger';
import { DynamoJobQueries } from '../lambda/adapters/dynamo-job-queries';
import { SnsNotificationPublisher } from '../lambda/adapters/sns-publisher';
import { devCredentialPaths } from '../local/dev-credentials';
import { parseEnvelope, subscribeQueue, unwrapFauxqsStructure } from '../local/console-subscriber';
import { startLocalStack } from '../local/start';
import { readLocalConfig } from '../local/config';
import { contentorEnvelope, signContentorHeader, signPanjaya, type ContentorHeaderStyle, type PanjayaSignatureEncoding } from './lib/signing';
import { runRedrive } from './redrive';
import { exitCodes, runCli, UsageError } from './lib/cli';
import { clientConfig } from './lib/outputs';

export const usage = `Usage: npm run test:load -- [--size N] [--senders N] [--no-faults] [--seed N] [--json]

Starts the local stack in-process (temp state dir, free port), sends about N distinct signed deliveries (plus ~10%
duplicates) for both providers from concurrent retrying senders, injects faults, re-drives, and verifies that
nothing was lost or doubled. Prints events/s and latency percentiles.
  --size N       distinct deliveries (default 2000)
  --senders N    concurrent senders (default 16)
  --no-faults    no DynamoDB/fauxqs kills and no poison record
  --seed N       shuffle/duplicate seed (default 1)
  --json         print the report as JSON
Exit status: 0 when every check passed, 1 when one failed, 2 on usage errors.
`;

/** Options of {@link runLoad}. */
export interface LoadOptions {
  readonly size: number;
  readonly senders: number;
  readonly duplicateRate: number;
  readonly faults: boolean;
  readonly seed: number;
  readonly log: (line: string) => void;
}

/** Everything a run measured; `problems` is empty when every promise held. */
export interface LoadReport {
  jobs: { contentor: number; panjaya: number };
  deliveries: { distinct: number; duplicatesSent: number; total: number; attempts: number; retried: number; gaveUp: number };
  answers: Record<string, number>;
  faults: string[];
  sendSeconds: number;
  eventsPerSecond: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  notifications: { expected: number; observedDistinct: number; observedMessages: number; lost: number; doubled: number; unexpected: number; viaRedrive: number };
  eventLog: { expected: number; stored: number; lost: number; doubled: number };
  states: { checked: number; wrong: number };
  deadLetters: number;
  problems: string[];
}

/** A delivery as the provider would send it; `retryOf` marks the duplicates. */
interface Delivery {
  readonly provider: 'contentor' | 'panjaya';
  readonly body: string;
  readonly headers: Record<string, string>;
}

/** One job: its events in the order the provider emits them (Panjaya chains must arrive in that order). */
interface PlannedJob {
  readonly provider: 'contentor' | 'panjaya';
  readonly partitionId: string;
  readonly jobId: string;
  readonly deliveries: Delivery[];
  /** Which deliveries get a duplicate (same event, maybe another signing style). */
  readonly duplicates: Delivery[];
  readonly finalEventType: string;
  readonly terminalEvents: number;
}

/** Deterministic PRNG (mulberry32) so a failing run can be repeated with its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

interface Signing {
  readonly contentorSecret: string;
  readonly panjayaPrivateKey: string;
}

const contentorHeaderStyleList: readonly ContentorHeaderStyle[] = ['hex', 'base64', 'sha256=hex'];
const panjayaEncodings: readonly PanjayaSignatureEncoding[] = ['der-hex', 'raw-hex', 'raw-base64'];

function contentorDelivery(data: Record<string, unknown>, signing: Signing, styleIndex: number): Delivery {
  // Style 3 is the body envelope; the others the header form (the same event either way).
  if (styleIndex % 4 === 3) return { provider: 'contentor', body: contentorEnvelope(data, signing.contentorSecret), headers: {} };
  const body = JSON.stringify(data);
  const style = contentorHeaderStyleList[styleIndex % 4] ?? 'hex';
  return { provider: 'contentor', body, headers: { 'X-Webhook-Signature': signContentorHeader(body, signing.contentorSecret, style) } };
}

function panjayaDelivery(payload: Record<string, unknown>, signing: Signing, encodingIndex: number): Delivery {
  const body = JSON.stringify(payload);
  const encoding = panjayaEncodings[encodingIndex % panjayaEncodings.length] ?? 'der-hex';
  return { provider: 'panjaya', body, headers: { 'X-Signature': signPanjaya(body, signing.panjayaPrivateKey, encoding) } };
}

/** Jobs for about `size` distinct deliveries, half per provider. */
export function planJobs(size: number, duplicateRate: number, signing: Signing, random: () => number): PlannedJob[] {
  const jobs: PlannedJob[] = [];
  const base = Date.parse('2026-01-01T00:00:00Z');
  let contentorLeft = Math.ceil(size / 2);
  while (contentorLeft > 0) {
    const uuid = randomUUID();
    const outcome = random() < 0.8 ? 'completed' : 'failed';
    const statuses = ['downloading', 'processing', 'uploading', outcome];
    const start = base + Math.floor(random() * 86_400_000);
    const deliveries = statuses.map((status, i) => contentorDelivery({ uuid, status, timestamp: new Date(start + i * 7_000 + Math.floor(random() * 999)).toISOString() }, signing, Math.floor(random() * 4)));
    const duplicates = statuses.flatMap((status, i) => {
      if (random() >= duplicateRate) return [];
      // The same event re-signed in another style is still the same event; copying the body keeps its timestamp.
      const original = deliveries[i] as Delivery;
      return [{ ...original }];
    });
    jobs.push({ provider: 'contentor', partitionId: uuid, jobId: uuid, deliveries, duplicates, finalEventType: outcome, terminalEvents: 1 });
    contentorLeft -= statuses.length;
  }
  let panjayaLeft = size - Math.ceil(size / 2);
  for (let asset = 0; panjayaLeft > 0; asset += 1) {
    const assetId = `asset-${randomUUID().slice(0, 13)}`;
    const versions = random() < 0.5 ? 1 : 2;
    for (let v = 0; v < versions; v += 1) {
      const versionId = `v${v + 1}`;
      const outcome = random() < 0.85 ? 'version_generated' : 'version_generate_failed';
      // About a third regenerate: generating → generated → generating → generated notifies twice.
      const regenerated = outcome === 'version_generated' && random() < 0.33;
      const events = ['version_ready', 'version_generating', outcome, ...(regenerated ? ['version_generating', 'version_generated'] : [])];
      const deliveries = events.map((event) =>
        panjayaDelivery({ event, asset_id: assetId, version_id: versionId, version_locale: 'es-ES' }, signing, Math.floor(random() * panjayaEncodings.length)),
      );
      jobs.push({ provider: 'panjaya', partitionId: assetId, jobId: `${assetId}/${versionId}`, deliveries, duplicates: [], finalEventType: events[events.length - 1] ?? '', terminalEvents: regenerated ? 2 : 1 });
      panjayaLeft -= events.length;
    }
    if (random() < 0.05) {
      jobs.push({ provider: 'panjaya', partitionId: assetId, jobId: assetId, deliveries: [panjayaDelivery({ event: 'asset_failed', asset_id: assetId, version_id: null }, signing, 0)], duplicates: [], finalEventType: 'asset_failed', terminalEvents: 1 });
      panjayaLeft -= 1;
    }
  }
  return jobs;
}

/**
 * The send queue: Contentor deliveries (and their duplicates) are independent units in a global shuffle; a Panjaya
 * job is a chain whose next event is sent only after the previous one was answered 2xx, as Panjaya sends them.
 * A Panjaya duplicate is the same body again right after the first answer (a lost response, retried).
 */
interface Unit {
  readonly job: PlannedJob;
  readonly steps: Delivery[];
  readonly duplicateAfter: ReadonlySet<number>;
  next: number;
}

function buildUnits(jobs: PlannedJob[], duplicateRate: number, random: () => number): Unit[] {
  const units: Unit[] = [];
  for (const job of jobs) {
    if (job.provider === 'contentor') {
      for (const delivery of [...job.deliveries, ...job.duplicates]) units.push({ job, steps: [delivery], duplicateAfter: new Set(), next: 0 });
    } else {
      const duplicateAfter = new Set<number>();
      job.deliveries.forEach((_, i) => {
        if (random() < duplicateRate) duplicateAfter.add(i);
      });
      units.push({ job, steps: job.deliveries, duplicateAfter, next: 0 });
    }
  }
  return shuffle(units, random);
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Receives the SNS → SQS deliveries of both topics; re-subscribed after fauxqs restarts (in-memory queues). */
class NotificationObserver {
  readonly byEventId = new Map<string, { jobId: string; provider: string; eventType: string; count: number }>();
  messages = 0;
  private queueUrl = '';
  private lastMessageAt = Date.now();
  private running = false;
  private loop: Promise<void> | undefined;
  private readonly queueName = `load-observer-${randomUUID().slice(0, 8)}`;

  constructor(
    private readonly sns: SNSClient,
    private readonly sqs: SQSClient,
  ) {}

  async subscribe(topics: { succeeded: string; failed: string }): Promise<void> {
    this.queueUrl = (await subscribeQueue(this.sqs, this.sns, this.queueName, [topics.succeeded, topics.failed])).queueUrl;
  }

  start(): void {
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        try {
          await this.receiveOnce(1);
        } catch {
          // fauxqs is down or restarting: the restart hook re-creates the queue.
          await sleep(200);
        }
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  /** Receives until the queue stayed empty for `quietMs`. */
  async drain(quietMs: number): Promise<void> {
    let emptySince = Date.now();
    while (Date.now() - emptySince < quietMs) {
      if ((await this.receiveOnce(0).catch(() => 0)) > 0) emptySince = Date.now();
      else await sleep(50);
    }
  }

  get idleMs(): number {
    return Date.now() - this.lastMessageAt;
  }

  private async receiveOnce(waitSeconds: number): Promise<number> {
    const out = await this.sqs.send(new ReceiveMessageCommand({ QueueUrl: this.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: waitSeconds }));
    const messages = out.Messages ?? [];
    for (const message of messages) {
      const envelope = parseEnvelope(message.Body ?? '');
      const doc = JSON.parse(unwrapFauxqsStructure(envelope.Message, 'sqs')) as { eventId: string; jobId: string; provider: string; eventType: string };
      const seen = this.byEventId.get(doc.eventId);
      if (seen) seen.count += 1;
      else this.byEventId.set(doc.eventId, { jobId: doc.jobId, provider: doc.provider, eventType: doc.eventType, count: 1 });
      this.messages += 1;
      this.lastMessageAt = Date.now();
    }
    if (messages.length > 0) {
      await this.sqs.send(new DeleteMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' })) }));
    }
    return messages.length;
  }
}

/** Retries with a short doubling back-off, until `isDone`; for draining while a dependency restarts. */
async function retrying<T>(what: string, action: () => Promise<T>, log: (line: string) => void, attempts = 60): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await action();
    } catch (error) {
      if (attempt >= attempts) throw error;
      if (attempt === 1) log(`${what}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}; retrying`);
      await sleep(Math.min(1000, 100 * attempt));
    }
  }
}

export async function runLoad(options: LoadOptions): Promise<LoadReport> {
  const log = options.log;
  const random = prng(options.seed);
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'jwr-load-'));
  const config = { ...readLocalConfig({ LOCAL_STATE_DIR: stateDir, PORT: '0', LOCAL_CONSOLE_SUBSCRIBER: 'off', LOCAL_STREAM_POLL_MS: '50' }) };
  let observer: NotificationObserver | undefined;
  const faults: string[] = [];
  const stack = await startLocalStack(config, {
    afterMessagingRestart: async (topics) => {
      await observer?.subscribe(topics);
      faults.push('fauxqs restarted by the supervisor; topics and subscriptions re-created');
    },
  });
  try {
    const out = stack.outputs.JobWebhookReceiver;
    const dev = devCredentialPaths(stateDir);
    const signing: Signing = { contentorSecret: readFileSync(dev.contentorSecret, 'utf8').trim(), panjayaPrivateKey: readFileSync(dev.panjayaPrivateKey, 'utf8') };
    const sns = new SNSClient(clientConfig(out.SnsEndpoint));
    const sqs = new SQSClient(clientConfig(out.SnsEndpoint));
    const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ ...clientConfig(out.DynamoDbEndpoint), maxAttempts: 1 }));
    observer = new NotificationObserver(sns, sqs);
    await observer.subscribe({ succeeded: out.SucceededTopicArn, failed: out.FailedTopicArn });
    observer.start();

    const jobs = planJobs(options.size, options.duplicateRate, signing, random);
    const units = buildUnits(jobs, options.duplicateRate, random);
    const distinct = jobs.reduce((n, j) => n + j.deliveries.length, 0);
    const totalPlanned = distinct + jobs.reduce((n, j) => n + j.duplicates.length, 0) + units.reduce((n, u) => n + u.duplicateAfter.size, 0);
    log(`${jobs.length} jobs, ${distinct} distinct deliveries, ${totalPlanned - distinct} duplicates, ${options.senders} senders, faults ${options.faults ? 'on' : 'off'}`);

    const answers: Record<string, number> = {};
    const latencies: number[] = [];
    let attempts = 0;
    let retried = 0;
    let gaveUp = 0;
    let sent = 0;
    let paused: Promise<void> | undefined;
    let inFlight = 0;

    /** One delivery, retried like a provider: 5xx, 429 and connection errors back off and retry (for up to 2 min). */
    const deliver = async (delivery: Delivery): Promise<boolean> => {
      const deadline = Date.now() + 120_000;
      for (let attempt = 0; ; attempt += 1) {
        const started = performance.now();
        let status: number | string;
        try {
          attempts += 1;
          const response = await fetch(`${stack.apiUrl}/webhooks/${delivery.provider}`, {
            method: 'POST',
            body: delivery.body,
            headers: { 'content-type': 'application/json', ...delivery.headers },
          });
          await response.arrayBuffer();
          status = response.status;
        } catch {
          status = 'connection-error';
        }
        latencies.push(performance.now() - started);
        answers[String(status)] = (answers[String(status)] ?? 0) + 1;
        if (typeof status === 'number' && status >= 200 && status < 300) return true;
        const retryable = typeof status !== 'number' || status >= 500 || status === 429;
        if (!retryable || Date.now() > deadline) {
          gaveUp += 1;
          return false;
        }
        if (attempt === 0) retried += 1;
        await sleep(Math.min(2000, 50 * 2 ** attempt) * (0.5 + random()));
      }
    };

    const queue = [...units];
    const faultAt = { dynamo: Math.floor(totalPlanned * 0.25), sns: Math.floor(totalPlanned * 0.5), poison: Math.floor(totalPlanned * 0.75) };
    const done = { dynamo: false, sns: false, poison: false };
    let liveNotifiedAtPoison = 0;

    /** Fault injection keyed on progress; the SNS fault needs a quiet fan-out so the observer loses nothing. */
    const maybeInjectFault = async (): Promise<void> => {
      if (!options.faults) return;
      if (!done.dynamo && sent >= faultAt.dynamo) {
        done.dynamo = true;
        stack.emulators.dynamo.current().process.kill('SIGKILL');
        faults.push(`DynamoDB Local killed (SIGKILL) after ${sent} deliveries; supervisor restarted it`);
        log(faults[faults.length - 1] ?? '');
      }
      if (!done.sns && sent >= faultAt.sns) {
        done.sns = true;
        let release!: () => void;
        paused = new Promise<void>((r) => (release = r));
        while (inFlight > 1) await sleep(20);
        // Quiet point: every stored event has passed the fan-out and every published message is in our hands.
        await retrying('draining the stream', () => stack.poller.drain(), log);
        await observer?.drain(500);
        stack.emulators.fauxqs.current().process.kill('SIGKILL');
        faults.push(`fauxqs (SNS/SQS) killed (SIGKILL) after ${sent} deliveries: publishes fail until it is back`);
        log(faults[faults.length - 1] ?? '');
        paused = undefined;
        release();
      }
      if (!done.poison && sent >= faultAt.poison) {
        done.poison = true;
        liveNotifiedAtPoison = observer?.messages ?? 0;
        // Passes the stream filter (new terminal event item) but fails the fan-out's item schema: a poison record.
        const poison = { pk: 'JOB#load#poison', sk: `EVENT#poison#${randomUUID()}`, itemType: 'event', provider: 'nobody', notifyTopic: 'failed', eventId: 'poison' };
        await retrying('writing the poison record', () => doc.send(new PutCommand({ TableName: out.TableName, Item: poison })), log);
        faults.push(`poison stream record written after ${sent} deliveries (provider "nobody")`);
        log(faults[faults.length - 1] ?? '');
      }
    };

    const sender = async (): Promise<void> => {
      for (;;) {
        while (paused) await paused;
        const unit = queue.shift();
        if (!unit) {
          if (inFlight === 0) return;
          await sleep(10);
          continue;
        }
        inFlight += 1;
        const index = unit.next;
        const delivery = unit.steps[index] as Delivery;
        const ok = await deliver(delivery);
        sent += 1;
        if (ok && unit.duplicateAfter.has(index)) {
          await deliver(delivery);
          sent += 1;
        }
        unit.next += 1;
        // The rest of a Panjaya chain goes back at a random place: other jobs interleave, its order is kept.
        if (unit.next < unit.steps.length) queue.splice(Math.floor(random() * (queue.length + 1)), 0, unit);
        inFlight -= 1;
        await maybeInjectFault();
      }
    };

    const started = performance.now();
    await Promise.all(Array.from({ length: options.senders }, () => sender()));
    const sendSeconds = (performance.now() - started) / 1000;
    log(`sent ${sent} deliveries in ${sendSeconds.toFixed(1)} s (${(sent / sendSeconds).toFixed(0)}/s); settling the fan-out…`);

    // Settle: the stream fully read (the poller retries and dead-letters), every live publish received.
    await retrying('draining the stream', () => stack.poller.drain(), log);
    await observer.drain(1000);
    const liveMessages = observer.messages;

    const publisher = new SnsNotificationPublisher(sns, { succeeded: out.SucceededTopicArn, failed: out.FailedTopicArn });
    const redrive = await retrying(
      're-drive',
      () =>
        runRedrive(
          { olderThanMs: 0, execute: true, dlqUrl: out.DeadLetterQueueUrl },
          { doc, tableName: out.TableName, ledger: new DynamoNotificationLedger(doc, out.TableName), publisher, sqs },
        ),
      log,
    );
    if (redrive.published.length > 0) faults.push(`re-drive published ${redrive.published.length} pending notification(s)`);
    log(`re-drive: ${redrive.pending.length} pending, ${redrive.published.length} published, ${redrive.failed.length} failed; ${redrive.deadLetters.length} dead-letter record(s)`);
    await observer.drain(1000);
    await observer.stop();

    const report = await verify(jobs, observer, new DynamoJobQueries({ client: doc, tableName: out.TableName }));
    const sorted = [...latencies].sort((a, b) => a - b);
    const problems = report.problems;
    if (gaveUp > 0) problems.push(`${gaveUp} deliveries gave up (a provider would have dropped them)`);
    if (options.faults) {
      if (redrive.deadLetters.length === 0) problems.push('the poison record did not reach the dead-letter queue');
      if (liveMessages <= liveNotifiedAtPoison) problems.push('no live notification after the poison record: the shard stopped flowing');
    }
    if (redrive.failed.length > 0) problems.push(`re-drive failed for ${redrive.failed.length} event(s)`);
    return {
      jobs: { contentor: jobs.filter((j) => j.provider === 'contentor').length, panjaya: jobs.filter((j) => j.provider === 'panjaya').length },
      deliveries: { distinct, duplicatesSent: sent - distinct, total: sent, attempts, retried, gaveUp },
      answers,
      faults,
      sendSeconds: round(sendSeconds),
      eventsPerSecond: round(sent / sendSeconds),
      latencyMs: { p50: round(percentile(sorted, 50)), p95: round(percentile(sorted, 95)), p99: round(percentile(sorted, 99)), max: round(sorted[sorted.length - 1] ?? 0) },
      notifications: { ...report.notifications, viaRedrive: redrive.published.length },
      eventLog: report.eventLog,
      states: report.states,
      deadLetters: redrive.deadLetters.length,
      problems,
    };
  } finally {
    await observer?.stop();
    await stack.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

const round = (x: number) => Math.round(x * 10) / 10;

/** Compares what the table and the observer hold with the plan. */
async function verify(jobs: PlannedJob[], observer: NotificationObserver, queries: DynamoJobQueries) {
  const problems: string[] = [];
  const note = (message: string) => {
    if (problems.length < 20) problems.push(message);
  };
  let wrongStates = 0;
  let storedEvents = 0;
  let logLost = 0;
  let logDoubled = 0;
  let expectedNotifications = 0;
  let lost = 0;
  const notifiedByJob = new Map<string, string[]>();
  for (const [eventId, seen] of observer.byEventId) {
    const key = `${seen.provider}|${seen.jobId}`;
    notifiedByJob.set(key, [...(notifiedByJob.get(key) ?? []), eventId]);
  }
  for (const job of jobs) {
    const [state, history] = await Promise.all([queries.getJob(job.provider, job.partitionId, job.jobId), queries.history(job.provider, job.partitionId, job.jobId)]);
    storedEvents += history.length;
    const expectedEvents = job.deliveries.length;
    if (history.length < expectedEvents) {
      logLost += expectedEvents - history.length;
      note(`${job.provider} ${job.jobId}: ${history.length} events logged, expected ${expectedEvents}`);
    } else if (history.length > expectedEvents) {
      logDoubled += history.length - expectedEvents;
      note(`${job.provider} ${job.jobId}: ${history.length} events logged, expected ${expectedEvents}`);
    }
    const newest = [...history].sort((a, b) => (a.orderKey < b.orderKey ? -1 : a.orderKey > b.orderKey ? 1 : 0)).pop();
    if (!state || state.eventType !== job.finalEventType || state.eventId !== newest?.eventId) {
      wrongStates += 1;
      note(`${job.provider} ${job.jobId}: state ${state?.eventType ?? 'missing'} (${state?.eventId ?? '-'}), expected ${job.finalEventType} (newest event ${newest?.eventId ?? '-'})`);
    }
    expectedNotifications += job.terminalEvents;
    const terminalLogged = history.filter((e) => e.notifyTopic !== undefined).map((e) => e.eventId);
    const notified = notifiedByJob.get(`${job.provider}|${job.jobId}`) ?? [];
    notifiedByJob.delete(`${job.provider}|${job.jobId}`);
    const missing = terminalLogged.filter((id) => !notified.includes(id));
    if (missing.length > 0 || notified.length !== job.terminalEvents) {
      lost += Math.max(0, job.terminalEvents - notified.length);
      note(`${job.provider} ${job.jobId}: notified ${notified.length} distinct event(s), expected ${job.terminalEvents}`);
    }
  }
  const unexpected = [...notifiedByJob.values()].reduce((n, ids) => n + ids.length, 0);
  if (unexpected > 0) note(`${unexpected} notification(s) for events no job planned`);
  const doubledIds = [...observer.byEventId].filter(([, s]) => s.count > 1).map(([eventId]) => eventId);
  const doubled = doubledIds.length;
  if (doubled > 0) note(`${doubled} terminal event(s) notified more than once: ${doubledIds.slice(0, 5).join(', ')}`);
  if (wrongStates > 0 || logLost > 0 || logDoubled > 0 || lost > 0) note(`totals: ${wrongStates} wrong states, ${logLost} events lost, ${logDoubled} doubled, ${lost} notifications lost`);
  return {
    problems,
    notifications: { expected: expectedNotifications, observedDistinct: observer.byEventId.size, observedMessages: observer.messages, lost, doubled, unexpected },
    eventLog: { expected: jobs.reduce((n, j) => n + j.deliveries.length, 0), stored: storedEvents, lost: logLost, doubled: logDoubled },
    states: { checked: jobs.length, wrong: wrongStates },
  };
}

/** The report as a few readable lines. */
export function formatLoadReport(r: LoadReport): string {
  const lines = [
    `jobs: ${r.jobs.contentor} Contentor, ${r.jobs.panjaya} Panjaya`,
    `deliveries: ${r.deliveries.total} (${r.deliveries.distinct} distinct + ${r.deliveries.duplicatesSent} duplicates), ${r.deliveries.attempts} HTTP attempts, ${r.deliveries.retried} retried, ${r.deliveries.gaveUp} gave up`,
    `answers: ${Object.entries(r.answers).map(([k, v]) => `${k}×${v}`).join(', ')}`,
    `throughput: ${r.eventsPerSecond} deliveries/s over ${r.sendSeconds} s; latency per attempt p50 ${r.latencyMs.p50} ms, p95 ${r.latencyMs.p95} ms, p99 ${r.latencyMs.p99} ms, max ${r.latencyMs.max} ms`,
    `faults: ${r.faults.length === 0 ? 'none' : ''}`,
    ...r.faults.map((f) => `  - ${f}`),
    `event log: ${r.eventLog.stored}/${r.eventLog.expected} distinct events stored, lost ${r.eventLog.lost}, doubled ${r.eventLog.doubled}`,
    `job states: ${r.states.checked} checked, ${r.states.wrong} not at their newest event`,
    `notifications: ${r.notifications.observedDistinct}/${r.notifications.expected} distinct terminal events (${r.notifications.observedMessages} messages, ${r.notifications.viaRedrive} via re-drive), lost ${r.notifications.lost}, doubled ${r.notifications.doubled}, unexpected ${r.notifications.unexpected}`,
    `dead-letter records: ${r.deadLetters}`,
    r.problems.length === 0 ? 'RESULT: PASS — nothing lost, nothing doubled' : `RESULT: FAIL\n${r.problems.map((p) => `  - ${p}`).join('\n')}`,
  ];
  return `${lines.join('\n')}\n`;
}

async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        size: { type: 'string', default: '2000' },
        senders: { type: 'string', default: '16' },
        'no-faults': { type: 'boolean', default: false },
        seed: { type: 'string', default: '1' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) {
    process.stdout.write(usage);
    return exitCodes.ok;
  }
  const positive = (name: string, text: string) => {
    const n = Number(text);
    if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--${name} must be a positive integer, got ${text}`);
    return n;
  };
  // Thousands of per-request log lines would bury the report; errors still show.
  process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
  const report = await runLoad({
    size: positive('size', values.size),
    senders: positive('senders', values.senders),
    seed: positive('seed', values.seed),
    duplicateRate: 0.1,
    faults: !values['no-faults'],
    log: (line) => process.stderr.write(`[load] ${line}\n`),
  });
  process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatLoadReport(report));
  return report.problems.length === 0 ? exitCodes.ok : exitCodes.failure;
}

if (require.main === module) runCli(() => main(process.argv.slice(2)), usage);
