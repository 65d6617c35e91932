/** NotificationPublisher on Amazon SNS (fauxqs locally): one Publish per notification, MessageStructure json. */
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { envNames } from '../config/env';
import type { TopicKind } from '../core/model';
import type { NotificationPublisher, OutgoingNotification } from '../core/ports';

/** Topic ARN per topic kind. */
export type TopicArns = Readonly<Record<TopicKind, string>>;

export class SnsNotificationPublisher implements NotificationPublisher {
  constructor(
    private readonly client: SNSClient,
    private readonly topicArns: TopicArns,
  ) {}

  async publish(notification: OutgoingNotification): Promise<void> {
    const attributes = Object.fromEntries(
      Object.entries(notification.attributes).map(([name, value]) => [name, { DataType: 'String', StringValue: value }]),
    );
    await this.client.send(
      new PublishCommand({
        TopicArn: this.topicArns[notification.topic],
        MessageStructure: 'json',
        Subject: notification.subject,
        Message: notification.message,
        MessageAttributes: attributes,
      }),
    );
  }
}

/**
 * An SNS client for the functions and tools: `SNS_ENDPOINT` (fauxqs) when set, with dummy credentials unless real
 * ones are in the environment; otherwise the regional endpoint and the default credential chain.
 */
export function makeSnsClient(endpoint: string | undefined = process.env[envNames.snsEndpoint] || undefined): SNSClient {
  if (!endpoint) return new SNSClient({ maxAttempts: 3 });
  return new SNSClient({
    endpoint,
    region: process.env.AWS_REGION ?? 'us-east-1',
    maxAttempts: 3,
    ...(process.env.AWS_ACCESS_KEY_ID ? {} : { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
  });
}

/** Reads both topic ARNs from the environment, naming the missing variable. */
export function topicArnsFromEnv(env: NodeJS.ProcessEnv = process.env): TopicArns {
  const read = (name: string) => {
    const value = env[name];
    if (!value) throw new Error(`${name} is not set: the fan-out needs both topic ARNs (set by the stack or the local stack)`);
    return value;
  };
  return { succeeded: read(envNames.succeededTopicArn), failed: read(envNames.failedTopicArn) };
}
