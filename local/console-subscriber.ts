/**
 * Prints each notification in the terminal the way the e-mail reads, so a newcomer sees the whole loop (callback
 * -> table -> stream -> fan-out -> SNS) in one place. An SQS queue subscribed to both topics, raw delivery off.
 */
import { SubscribeCommand, type SNSClient } from '@aws-sdk/client-sns';
import { CreateQueueCommand, DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';

/** Protocols that get their own entry in a MessageStructure json message. */
export type SnsProtocol = 'default' | 'email' | 'https' | 'sqs' | 'lambda';

/**
 * fauxqs does not implement `MessageStructure: 'json'`: it delivers the whole structure document
 * (`{"default": …, "email": …, "sqs": …}`) where real SNS delivers only the entry for the subscriber's protocol.
 * This picks that entry (falling back to `default`, as SNS does). A message that is not such a structure — what
 * real SNS sends — is returned unchanged, so code using this also works against AWS.
 */
export function unwrapFauxqsStructure(message: string, protocol: SnsProtocol): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    return message;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return message;
  const structure = parsed as Record<string, unknown>;
  if (typeof structure.default !== 'string') return message;
  const entry = structure[protocol] ?? structure.default;
  return typeof entry === 'string' ? entry : message;
}

/** The SNS envelope an SQS subscriber receives with raw delivery off. */
export interface SnsEnvelope {
  Type: string;
  MessageId: string;
  TopicArn: string;
  Subject?: string | null;
  Message: string;
  Timestamp: string;
  MessageAttributes?: Record<string, { Type: string; Value: string }>;
}

export function parseEnvelope(body: string): SnsEnvelope {
  const envelope = JSON.parse(body) as SnsEnvelope;
  if (typeof envelope.Message !== 'string') throw new Error('not an SNS notification envelope');
  return envelope;
}

/** Creates a queue and subscribes it (raw delivery off) to each topic, with an optional filter policy. */
export async function subscribeQueue(
  sqs: SQSClient,
  sns: SNSClient,
  queueName: string,
  topicArns: readonly string[],
  filterPolicy?: Record<string, unknown>,
): Promise<{ queueUrl: string; queueArn: string }> {
  const created = await sqs.send(new CreateQueueCommand({ QueueName: queueName }));
  const queueUrl = created.QueueUrl;
  if (!queueUrl) throw new Error(`no URL for queue ${queueName}`);
  const attributes = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
  const queueArn = attributes.Attributes?.QueueArn;
  if (!queueArn) throw new Error(`no ARN for queue ${queueName}`);
  for (const topicArn of topicArns) {
    await sns.send(
      new SubscribeCommand({
        TopicArn: topicArn,
        Protocol: 'sqs',
        Endpoint: queueArn,
        Attributes: { RawMessageDelivery: 'false', ...(filterPolicy ? { FilterPolicy: JSON.stringify(filterPolicy) } : {}) },
      }),
    );
  }
  return { queueUrl, queueArn };
}

/** How a notification reads in the console: subject line, then the e-mail body. */
export function formatForConsole(envelope: SnsEnvelope): string {
  const body = unwrapFauxqsStructure(envelope.Message, 'email');
  const rule = '-'.repeat(72);
  return `${rule}\nSubject: ${envelope.Subject ?? '(none)'}\n\n${body.trimEnd()}\n${rule}`;
}

/** Options for {@link startConsoleSubscriber}. */
export interface ConsoleSubscriberOptions {
  readonly sqs: SQSClient;
  readonly sns: SNSClient;
  /** Topic ARN per kind; the queue subscribes to all of them. */
  readonly topics: Readonly<Record<string, string>>;
  /** @default JobWebhookReceiver-Console */
  readonly queueName?: string;
  /** Receives each formatted notification, newline-terminated. @default process.stdout.write */
  readonly write?: (text: string) => void;
}

export interface RunningConsoleSubscriber {
  readonly queueUrl: () => string;
  /** Creates the queue and subscriptions again (fauxqs keeps them in memory: needed after it restarts). */
  resubscribe(): Promise<void>;
  stop(): Promise<void>;
}

export async function startConsoleSubscriber(options: ConsoleSubscriberOptions): Promise<RunningConsoleSubscriber> {
  const write = options.write ?? ((text: string) => void process.stdout.write(text));
  const subscribe = async () =>
    (await subscribeQueue(options.sqs, options.sns, options.queueName ?? 'JobWebhookReceiver-Console', Object.values(options.topics))).queueUrl;
  let queueUrl = await subscribe();
  const abort = new AbortController();
  const loop = (async () => {
    while (!abort.signal.aborted) {
      try {
        const out = await options.sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }), {
          abortSignal: abort.signal,
        });
        const messages = out.Messages ?? [];
        for (const message of messages) {
          try {
            write(`${formatForConsole(parseEnvelope(message.Body ?? ''))}\n`);
          } catch (error) {
            write(`(unreadable notification: ${error instanceof Error ? error.message : String(error)})\n`);
          }
        }
        if (messages.length > 0) {
          const entries = messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' }));
          await options.sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
        }
      } catch (error) {
        if (abort.signal.aborted) break;
        write(`(console subscriber: ${error instanceof Error ? error.message : String(error)}; retrying)\n`);
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  })();
  return {
    queueUrl: () => queueUrl,
    async resubscribe() {
      queueUrl = await subscribe();
    },
    async stop() {
      abort.abort();
      await loop;
    },
  };
}
