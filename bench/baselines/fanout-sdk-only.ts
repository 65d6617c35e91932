/**
 * Cold-init baseline for the fan-out: the SDK clients it bundles and the requests one record makes (consistent
 * GetItem, SNS Publish, UpdateItem) — none of our code.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient, PublishCommand } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { envNames } from '../../lambda/contracts';

const dynamoEndpoint = process.env[envNames.dynamoDbEndpoint];
const snsEndpoint = process.env[envNames.snsEndpoint];
const doc = DynamoDBDocumentClient.from(new DynamoDBClient(dynamoEndpoint ? { endpoint: dynamoEndpoint } : {}));
const sns = new SNSClient(snsEndpoint ? { endpoint: snsEndpoint } : {});

export const handler = async (event: { Records: { dynamodb?: { NewImage?: Record<string, never> } }[] }): Promise<{ batchItemFailures: [] }> => {
  const TableName = process.env[envNames.tableName];
  for (const record of event.Records) {
    const image = unmarshall(record.dynamodb?.NewImage ?? {});
    const Key = { pk: String(image.pk), sk: String(image.sk) };
    await doc.send(new GetCommand({ TableName, Key, ConsistentRead: true }));
    await sns.send(new PublishCommand({ TopicArn: process.env[envNames.succeededTopicArn], Message: JSON.stringify(image) }));
    await doc.send(
      new UpdateCommand({
        TableName,
        Key,
        UpdateExpression: 'SET #a = :a',
        ExpressionAttributeNames: { '#a': 'baselineAt' },
        ExpressionAttributeValues: { ':a': Date.now() },
      }),
    );
  }
  return { batchItemFailures: [] };
};
