/**
 * The notification half of the local stack: the stream poller reads DynamoDB Local's real stream, applies the same
 * filter as the CDK event-source mapping, and invokes the Lambda fan-out handler; exhausted batches go to a local
 * dead-letter queue; optionally a console subscriber prints each notification as the e-mail reads.
 */
import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { makeDocumentClient } from '../lambda/adapters/dynamo-client';
import { DynamoNotificationLedger } from '../lambda/adapters/notification-ledger';
import { SnsNotificationPublisher, type TopicArns } from '../lambda/adapters/sns-publisher';
import { makeTelemetry } from '../lambda/adapters/telemetry';
import { DEFAULT_MARK_RETRY_DELAYS_MS } from '../lambda/core/fanout';
import type { ProviderRegistry } from '../lambda/core/providers';
import { DEFAULT_JOBS_COMMAND_HINT, makeFanoutHandler } from '../lambda/handlers/fanout/handler';
import { startConsoleSubscriber } from './console-subscriber';
import { StreamPoller } from './stream-poller';

export interface FanoutHalfOptions {
  dynamoEndpoint: string;
  snsEndpoint: string;
  tableName: string;
  streamArn: string;
  topics: TopicArns;
  deadLetterQueueUrl: string;
  pollIntervalMs: number;
  consoleSubscriber: boolean;
  streams: DynamoDBStreamsClient;
  sns: SNSClient;
  sqs: SQSClient;
  /** Providers for the notifications' wording (configured ones included). */
  providers: ProviderRegistry;
  log: (message: string) => void;
}

export async function startFanoutHalf(options: FanoutHalfOptions) {
  const handler = makeFanoutHandler({
    publisher: new SnsNotificationPublisher(options.sns, options.topics),
    ledger: new DynamoNotificationLedger(makeDocumentClient({ endpoint: options.dynamoEndpoint }), options.tableName),
    jobsCommandHint: DEFAULT_JOBS_COMMAND_HINT,
    providers: options.providers,
    telemetry: makeTelemetry('fanout'),
    markRetryDelaysMs: DEFAULT_MARK_RETRY_DELAYS_MS,
  });
  const poller = new StreamPoller({
    streams: options.streams,
    streamArn: options.streamArn,
    handler,
    pollIntervalMs: options.pollIntervalMs,
    onFailure: { sqs: options.sqs, queueUrl: options.deadLetterQueueUrl },
    log: (level, message, fields) => {
      if (level !== 'info') options.log(`stream poller ${level}: ${message} ${fields ? JSON.stringify(fields) : ''}`);
    },
  });
  poller.start();
  const subscriber = options.consoleSubscriber
    ? await startConsoleSubscriber({ sns: options.sns, sqs: options.sqs, topics: options.topics, write: (text) => process.stdout.write(text) })
    : undefined;
  if (subscriber) options.log('console subscriber on: notifications print here (LOCAL_CONSOLE_SUBSCRIBER=off to silence)');
  return {
    poller,
    resubscribe: async () => {
      await subscriber?.resubscribe();
    },
    stop: async () => {
      await poller.stop();
      await subscriber?.stop();
    },
  };
}
