/**
 * The notification half of the local stack: the stream poller reads DynamoDB Local's real stream, applies the same
 * filter as the CDK event-source mapping, and invokes the Lambda fan-out handler, wired by its own deps.ts from the
 * same environment variables the stack sets; exhausted batches go to a local dead-letter queue; optionally a console
 * subscriber prints what people receive (the job-alerts topic: alerts and digests) and succeeded jobs, as the e-mail reads.
 */
import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { FanoutEnvInput } from '../lambda/config/fanout-env';
import { fanoutDepsFromEnv } from '../lambda/handlers/fanout/deps';
import { makeFanoutHandler } from '../lambda/handlers/fanout/handler';
import { startConsoleSubscriber } from './console-subscriber';
import type { LocalTopics } from './resources';
import { StreamPoller } from './stream-poller';

export interface FanoutHalfOptions {
  /** The fan-out's environment (lambda/config/fanout-env.ts), endpoints included. */
  env: FanoutEnvInput;
  streamArn: string;
  topics: LocalTopics;
  deadLetterQueueUrl: string;
  pollIntervalMs: number;
  consoleSubscriber: boolean;
  streams: DynamoDBStreamsClient;
  sns: SNSClient;
  sqs: SQSClient;
  log: (message: string) => void;
}

export async function startFanoutHalf(options: FanoutHalfOptions) {
  const deps = fanoutDepsFromEnv(options.env);
  // Each record's "published" line is Lambda's log; locally the console subscriber shows what went out instead.
  deps.telemetry.logger.setLogLevel('WARN');
  const handler = makeFanoutHandler(deps);
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
    ? await startConsoleSubscriber({
        sns: options.sns,
        sqs: options.sqs,
        // People's topic (failed and stalled alerts, digests) and succeeded jobs, so the walk-through shows both outcomes.
        topics: { alerts: options.topics.alerts, succeeded: options.topics.succeeded },
        write: (text) => process.stdout.write(text),
      })
    : undefined;
  if (subscriber) options.log('console subscriber on: alerts, digests and succeeded jobs print here (LOCAL_CONSOLE_SUBSCRIBER=off to silence)');
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
