/** Creates the local table, topics and dead-letter queue exactly as the stack defines them (shared definitions). */
import { CreateTableCommand, DescribeTableCommand, ResourceNotFoundException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateTopicCommand, type SNSClient } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { createTableInput } from '../lambda/contracts';

export const LOCAL_TABLE_NAME = 'JobWebhookReceiver-Jobs';
export const LOCAL_TOPIC_NAMES = {
  succeeded: 'JobWebhookReceiver-Succeeded',
  failed: 'JobWebhookReceiver-Failed',
  alerts: 'JobWebhookReceiver-JobAlerts',
} as const;

/** The local topics' ARNs: the two systems topics and the people's job-alerts topic. */
export interface LocalTopics {
  readonly succeeded: string;
  readonly failed: string;
  readonly alerts: string;
}
export const LOCAL_DLQ_NAME = 'JobWebhookReceiver-FanoutDeadLetter';

/** Creates the table unless it survived from an earlier run (DynamoDB Local keeps data in the state dir). */
export async function ensureTable(client: DynamoDBClient, tableName = LOCAL_TABLE_NAME): Promise<{ tableName: string; streamArn: string; created: boolean }> {
  try {
    const existing = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const streamArn = existing.Table?.LatestStreamArn;
    if (!streamArn) throw new Error(`local table ${tableName} has no stream: delete the state dir and restart`);
    return { tableName, streamArn, created: false };
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  const created = await client.send(new CreateTableCommand(createTableInput(tableName)));
  const streamArn = created.TableDescription?.LatestStreamArn;
  if (!streamArn) throw new Error('DynamoDB Local created the table without a stream');
  return { tableName, streamArn, created: true };
}

export async function ensureTopics(sns: SNSClient): Promise<LocalTopics> {
  const arn = async (name: string) => {
    const out = await sns.send(new CreateTopicCommand({ Name: name }));
    if (!out.TopicArn) throw new Error(`fauxqs returned no ARN for topic ${name}`);
    return out.TopicArn;
  };
  return { succeeded: await arn(LOCAL_TOPIC_NAMES.succeeded), failed: await arn(LOCAL_TOPIC_NAMES.failed), alerts: await arn(LOCAL_TOPIC_NAMES.alerts) };
}

export async function ensureQueue(sqs: SQSClient, name: string): Promise<{ url: string; arn: string }> {
  const created = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  if (!created.QueueUrl) throw new Error(`fauxqs returned no URL for queue ${name}`);
  const attributes = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: created.QueueUrl, AttributeNames: ['QueueArn'] }));
  const arn = attributes.Attributes?.QueueArn;
  if (!arn) throw new Error(`fauxqs returned no ARN for queue ${name}`);
  return { url: created.QueueUrl, arn };
}
