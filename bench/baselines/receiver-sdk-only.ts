/**
 * Cold-init baseline for the receiver: the SDK clients it bundles, created at init like the real wiring, and the
 * same DynamoDB requests a Panjaya delivery makes (consistent GetItem, PutItem, UpdateItem) — none of our code.
 * The receiver's ratio to this is what our own code (validation, keys, providers, logging) adds on top of the SDK.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { envNames } from '../../lambda/contracts';

const endpoint = process.env[envNames.dynamoDbEndpoint];
const doc = DynamoDBDocumentClient.from(new DynamoDBClient(endpoint ? { endpoint } : {}));
// Constructed (as the AWS wiring does) but not called: a Panjaya delivery never reads the Contentor secret.
export const secrets = new SecretsManagerClient({});

export const handler = async (event: { jobId: string }): Promise<{ statusCode: number }> => {
  const TableName = process.env[envNames.tableName];
  const key = { pk: `BASELINE#${event.jobId}`, sk: 'STATE' };
  await doc.send(new GetCommand({ TableName, Key: key, ConsistentRead: true }));
  await doc.send(new PutCommand({ TableName, Item: { ...key, sk: 'EVENT', at: Date.now() } }));
  await doc.send(
    new UpdateCommand({
      TableName,
      Key: key,
      UpdateExpression: 'SET #a = :a',
      ExpressionAttributeNames: { '#a': 'at' },
      ExpressionAttributeValues: { ':a': Date.now() },
    }),
  );
  return { statusCode: 200 };
};
