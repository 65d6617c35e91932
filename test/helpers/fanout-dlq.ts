import { DeleteMessageBatchCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { StreamFailureRecord } from '../../local/stream-poller';

/** Takes (and deletes) every failure record in the dead-letter queue. */
export async function takeDeadLetters(sqs: SQSClient, queueUrl: string): Promise<StreamFailureRecord[]> {
  const all: StreamFailureRecord[] = [];
  for (;;) {
    const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    const messages = out.Messages ?? [];
    if (messages.length === 0) return all;
    all.push(...messages.map((m) => JSON.parse(m.Body ?? '{}') as StreamFailureRecord));
    await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' })) }));
  }
}
