/** Clients pointed at the emulators the global setup started, and per-test-file resources with unique names. */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient, CreateTableCommand, DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { createTableInput } from '../../lambda/contracts';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const region = 'us-east-1';

function endpoint(name: 'TEST_DYNAMODB_ENDPOINT' | 'TEST_SNS_ENDPOINT'): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run through jest (test/helpers/global-setup.ts starts the emulators)`);
  return value;
}

export const dynamoEndpoint = () => endpoint('TEST_DYNAMODB_ENDPOINT');
export const snsEndpoint = () => endpoint('TEST_SNS_ENDPOINT');

export function localDynamo(): DynamoDBClient {
  return new DynamoDBClient({ endpoint: dynamoEndpoint(), region, credentials });
}
export function localDocClient(client = localDynamo()): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}
/**
 * A document client on DynamoDB Local that records the name of every command sent through it (after the document
 * layer: `UpdateItemCommand`, `PutItemCommand`, …), so a test can count writes rather than stored items.
 */
export function commandCountingDocClient(): { client: DynamoDBDocumentClient; commands: string[] } {
  const commands: string[] = [];
  const client = localDocClient();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      commands.push(String(context.commandName));
      return next(args);
    },
    { step: 'initialize', name: 'countCommandsForTests' },
  );
  return { client, commands };
}

export function localStreams(): DynamoDBStreamsClient {
  return new DynamoDBStreamsClient({ endpoint: dynamoEndpoint(), region, credentials });
}
export function localSns(): SNSClient {
  return new SNSClient({ endpoint: snsEndpoint(), region, credentials });
}
export function localSqs(): SQSClient {
  return new SQSClient({ endpoint: snsEndpoint(), region, credentials });
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** Creates a table exactly as the stack defines it (shared schema), returns its name and stream ARN. */
export async function createTestTable(client = localDynamo()): Promise<{ tableName: string; streamArn: string; drop: () => Promise<void> }> {
  const tableName = uniqueName('jobs');
  const out = await client.send(new CreateTableCommand(createTableInput(tableName)));
  const streamArn = out.TableDescription?.LatestStreamArn;
  if (!streamArn) throw new Error('table has no stream');
  return { tableName, streamArn, drop: async () => void (await client.send(new DeleteTableCommand({ TableName: tableName }))) };
}
