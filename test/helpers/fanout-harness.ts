/**
 * The fan-out path wired against the test emulators: a fresh table, two topics, queues subscribed to them (raw
 * delivery off), a dead-letter queue, the real handler and the stream poller. Only fault injection is faked: a
 * publisher wrapper that throws for the next N calls, which the emulators cannot do on demand.
 */
import { CreateTopicCommand } from '@aws-sdk/client-sns';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { CreateQueueCommand, DeleteMessageBatchCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { makeTelemetry } from '../../lambda/adapters/telemetry';
import { DynamoNotificationLedger } from '../../lambda/adapters/notification-ledger';
import { SnsNotificationPublisher, type TopicArns } from '../../lambda/adapters/sns-publisher';
import type { NotificationDocumentFields } from '../../lambda/core/model';

type NotificationDocument = NotificationDocumentFields & { payload: unknown };
import type { NotificationPublisher, OutgoingNotification } from '../../lambda/core/ports';
import { makeFanoutHandler } from '../../lambda/handlers/fanout/handler';
import { parseEnvelope, subscribeQueue, unwrapFauxqsStructure, type SnsEnvelope } from '../../local/console-subscriber';
import { StreamPoller, type StreamFailureRecord, type StreamPollerOptions } from '../../local/stream-poller';
import { createTestTable, localDocClient, localSns, localSqs, localStreams, uniqueName } from './aws-local';

export const JOBS_HINT = 'npm run --silent jobs -- get';

/** Throws for the next `failNext` publishes, then passes through. */
export class FaultyPublisher implements NotificationPublisher {
  failNext = 0;
  attempts = 0;
  constructor(private readonly inner: NotificationPublisher) {}
  async publish(notification: OutgoingNotification): Promise<void> {
    this.attempts += 1;
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw new Error('injected SNS failure');
    }
    await this.inner.publish(notification);
  }
}

export interface Received {
  envelope: SnsEnvelope;
  /** What an SQS subscriber gets from real SNS: the `sqs` entry (fauxqs hands over the whole structure). */
  document: NotificationDocument;
}

/** Takes (and deletes) every message currently in the queue; fauxqs enqueues during Publish, so none is in flight. */
export async function drainQueue<T>(sqs: SQSClient, queueUrl: string, read: (body: string) => T): Promise<T[]> {
  const all: T[] = [];
  for (;;) {
    const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    const messages = out.Messages ?? [];
    if (messages.length === 0) return all;
    all.push(...messages.map((m) => read(m.Body ?? '')));
    await sqs.send(
      new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' })) }),
    );
  }
}

/** Notifications delivered to a subscribed queue. */
export function takeAll(sqs: SQSClient, queueUrl: string): Promise<Received[]> {
  return drainQueue(sqs, queueUrl, (body) => {
    const envelope = parseEnvelope(body);
    return { envelope, document: JSON.parse(unwrapFauxqsStructure(envelope.Message, 'sqs')) as NotificationDocument };
  });
}

/** On-failure records in the dead-letter queue. */
export function takeDeadLetters(sqs: SQSClient, queueUrl: string): Promise<StreamFailureRecord[]> {
  return drainQueue(sqs, queueUrl, (body) => JSON.parse(body) as StreamFailureRecord);
}

export async function fanoutHarness(pollerOptions: Partial<StreamPollerOptions> = {}) {
  const doc = localDocClient();
  const sns = localSns();
  const sqs = localSqs();
  const table = await createTestTable();
  const topicArn = async (kind: string) => (await sns.send(new CreateTopicCommand({ Name: uniqueName(kind) }))).TopicArn ?? '';
  const topics: TopicArns = { succeeded: await topicArn('succeeded'), failed: await topicArn('failed') };
  const all = await subscribeQueue(sqs, sns, uniqueName('all'), Object.values(topics));
  const panjayaOnly = await subscribeQueue(sqs, sns, uniqueName('panjaya'), Object.values(topics), { provider: ['panjaya'] });
  const dlqUrl = (await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('dlq') }))).QueueUrl ?? '';
  const publisher = new FaultyPublisher(new SnsNotificationPublisher(sns, topics));
  const ledger = new DynamoNotificationLedger(doc, table.tableName);
  const telemetry = makeTelemetry('fanout-test');
  telemetry.logger.setLogLevel('SILENT');
  const handler = makeFanoutHandler({ publisher, ledger, jobsCommandHint: JOBS_HINT, telemetry });
  // Every batch the poller handed over, so a test can hand the same records over again (as Lambda may).
  const invocations: DynamoDBStreamEvent[] = [];
  const poller = new StreamPoller({
    streams: localStreams(),
    streamArn: table.streamArn,
    handler: (event) => {
      invocations.push(event);
      return handler(event);
    },
    maxRetries: 2,
    onFailure: { sqs, queueUrl: dlqUrl },
    log: () => undefined,
    ...pollerOptions,
  });
  return { doc, sns, sqs, table, topics, all, panjayaOnly, dlqUrl, publisher, ledger, poller, handler, invocations };
}
