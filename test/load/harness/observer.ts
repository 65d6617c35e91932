/** Receives the SNS → SQS deliveries of both topics; re-subscribed after fauxqs restarts (in-memory queues). */
import { randomUUID } from 'node:crypto';
import type { SNSClient } from '@aws-sdk/client-sns';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { parseEnvelope, subscribeQueue, unwrapFauxqsStructure } from '../../../local/console-subscriber';
import { sleep } from './wait';

/** What the observer saw of one terminal event. */
export interface ObservedNotification {
  readonly jobId: string;
  readonly provider: string;
  readonly eventType: string;
  count: number;
}

export class NotificationObserver {
  readonly byEventId = new Map<string, ObservedNotification>();
  messages = 0;
  private queueUrl = '';
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
    }
    if (messages.length > 0) {
      await this.sqs.send(
        new DeleteMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' })) }),
      );
    }
    return messages.length;
  }
}
