/**
 * Through the running local stack (HTTP → receiver → DynamoDB Local → stream poller → fan-out → fauxqs): ingest
 * throughput and latency at a few concurrencies (each worker sends its own jobs' deliveries in order), and
 * notification latency from POST to the message arriving at an SQS subscriber of both topics.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { PublishCommand } from '@aws-sdk/client-sns';
import { DeleteMessageBatchCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { parseEnvelope, subscribeQueue, unwrapFauxqsStructure } from '../local/console-subscriber';
import { jobMix, type BenchTrust, type Delivery } from './fixtures';
import type { BenchStack } from './stack';
import { quantile, round } from './stats';

export interface ConcurrencyResult {
  readonly concurrency: number;
  readonly requests: number;
  readonly eventsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

export interface LocalResult {
  /** Best throughput over the concurrencies tried. */
  readonly eventsPerSecond: number;
  /** Latency at concurrency 1 (unloaded). */
  readonly ingestP50Ms: number;
  readonly ingestP99Ms: number;
  readonly notifyP50Ms: number;
  readonly notifyP99Ms: number;
  readonly notifications: number;
  /** Event ids POSTed (200) whose notification did not reach the subscriber within 15 s of the last POST. */
  readonly notificationsMissing: readonly string[];
  readonly streamPollMs: number;
  readonly byConcurrency: ConcurrencyResult[];
}

async function post(apiUrl: string, delivery: Delivery): Promise<{ ms: number; eventId: string }> {
  const start = performance.now();
  const response = await fetch(`${apiUrl}/webhooks/${delivery.provider}`, { method: 'POST', headers: delivery.headers, body: delivery.body });
  const body = (await response.json()) as { eventId?: string };
  const ms = performance.now() - start;
  if (response.status !== 200) throw new Error(`POST ${delivery.provider} → ${response.status} ${JSON.stringify(body)}`);
  return { ms, eventId: body.eventId ?? '' };
}

async function atConcurrency(stack: BenchStack, trust: BenchTrust, concurrency: number, jobsPerWorker: number): Promise<ConcurrencyResult> {
  const workers = Array.from({ length: concurrency }, () => jobMix(trust, jobsPerWorker).flat());
  const latencies: number[] = [];
  const start = performance.now();
  await Promise.all(
    workers.map(async (deliveries) => {
      for (const delivery of deliveries) latencies.push((await post(stack.apiUrl, delivery)).ms);
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  return {
    concurrency,
    requests: latencies.length,
    eventsPerSecond: round(latencies.length / seconds, 0),
    p50Ms: round(quantile(latencies, 0.5), 2),
    p99Ms: round(quantile(latencies, 0.99), 2),
  };
}

/**
 * Publishes probes until one reaches the new queue: fauxqs was seen to drop the first messages published right after
 * Subscribe (the events were marked notified, the queue never got them), which would count as lost notifications.
 */
async function awaitSubscription(stack: BenchStack, queueUrl: string): Promise<void> {
  for (let attempt = 0; attempt < 20; attempt++) {
    await stack.sns.send(new PublishCommand({ TopicArn: stack.topics.succeeded, Message: JSON.stringify({ eventId: 'subscription-probe' }) }));
    const out = await stack.sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    const entries = (out.Messages ?? []).map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle }));
    if (entries.length > 0) {
      await stack.sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
      return;
    }
  }
  throw new Error('the bench queue never received a probe from the succeeded topic');
}

/** POSTs `count` terminal deliveries one at a time and times each until its message reaches an SQS subscriber. */
async function notificationLatency(stack: BenchStack, trust: BenchTrust, count: number): Promise<{ latencies: number[]; missing: string[] }> {
  // Let the fan-out finish the throughput phase's backlog first, so it does not queue ahead of these.
  await new Promise((resolve) => setTimeout(resolve, 5000));
  const { queueUrl } = await subscribeQueue(stack.sqs, stack.sns, `bench-notify-${randomUUID().slice(0, 8)}`, [stack.topics.succeeded, stack.topics.failed]);
  await awaitSubscription(stack, queueUrl);
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  const arrivedIds = new Set<string>();
  let deadline = Number.POSITIVE_INFINITY;
  const receiver = (async () => {
    while (latencies.length < count && performance.now() < deadline) {
      const out = await stack.sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
      const arrived = performance.now();
      for (const message of out.Messages ?? []) {
        // fauxqs delivers the whole MessageStructure document; real SNS only the sqs entry.
        const document = JSON.parse(unwrapFauxqsStructure(parseEnvelope(message.Body ?? '').Message, 'sqs')) as { eventId: string };
        const sent = sentAt.get(document.eventId);
        if (sent !== undefined && !arrivedIds.has(document.eventId)) {
          arrivedIds.add(document.eventId);
          latencies.push(arrived - sent);
        }
      }
      const entries = (out.Messages ?? []).map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle }));
      if (entries.length > 0) await stack.sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
    }
  })();
  const terminals = jobMix(trust, count).map((job) => job.find((d) => d.terminal));
  for (const delivery of terminals) {
    if (!delivery) continue;
    const start = performance.now();
    const { eventId } = await post(stack.apiUrl, delivery);
    sentAt.set(eventId, start);
    // Spaced out so each one meets an idle poller, as a real callback would.
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  // Anything not there 15 s after the last POST is reported as lost.
  deadline = performance.now() + 15_000;
  await receiver;
  // Reported, not thrown: so far every missing one was marked notified by the fan-out (SNS accepted the publish)
  // and never reached the fauxqs queue; the reliability suites own the question of lost notifications.
  return { latencies, missing: [...sentAt.keys()].filter((id) => !arrivedIds.has(id)) };
}

export async function measureLocal(options: {
  stack: BenchStack;
  trust: BenchTrust;
  concurrencies: readonly number[];
  jobsPerWorker: (concurrency: number) => number;
  notifications: number;
  streamPollMs: number;
  log: (message: string) => void;
}): Promise<LocalResult> {
  const byConcurrency: ConcurrencyResult[] = [];
  // A short warm-up so the first level does not pay the process's own first-request costs.
  await atConcurrency(options.stack, options.trust, 2, 3);
  for (const c of options.concurrencies) {
    byConcurrency.push(await atConcurrency(options.stack, options.trust, c, options.jobsPerWorker(c)));
    options.log(`local: concurrency ${c} done`);
  }
  const { latencies: notify, missing } = await notificationLatency(options.stack, options.trust, options.notifications);
  if (missing.length > 0) options.log(`local: ${missing.length} notification(s) never reached the SQS subscriber: ${missing.join(', ')}`);
  const unloaded = byConcurrency.find((r) => r.concurrency === 1) ?? byConcurrency[0];
  return {
    eventsPerSecond: Math.max(...byConcurrency.map((r) => r.eventsPerSecond)),
    ingestP50Ms: unloaded?.p50Ms ?? Number.NaN,
    ingestP99Ms: unloaded?.p99Ms ?? Number.NaN,
    notifyP50Ms: round(quantile(notify, 0.5), 1),
    notifyP99Ms: round(quantile(notify, 0.99), 1),
    notifications: notify.length,
    notificationsMissing: missing,
    streamPollMs: options.streamPollMs,
    byConcurrency,
  };
}
