/**
 * The local stack for the bench, started in-process (`startLocalStack`, temp state dir, any free port, console
 * subscriber off), plus what the measurements need next to it: scratch tables created from the shared schema on
 * the same DynamoDB Local, a reader of a table's whole stream in Lambda's record shape, and clients.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-dynamodb-streams';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBRecord } from 'aws-lambda';
import { createTableInput } from '../lambda/contracts';
import { readLocalConfig } from '../local/config';
import { startLocalStack } from '../local/start';
import { toLambdaRecord } from '../local/stream-poller';
import type { TopicArns } from '../lambda/adapters/sns-publisher';
import type { BenchTrust } from './fixtures';
import { clientConfig } from '../lambda/contracts';

/** Endpoints and resources of the running local stack. */
export interface BenchStack {
  readonly apiUrl: string;
  readonly tableName: string;
  readonly dynamoEndpoint: string;
  readonly snsEndpoint: string;
  readonly topics: TopicArns;
  readonly stateDir: string;
  readonly dynamo: DynamoDBClient;
  readonly streams: DynamoDBStreamsClient;
  readonly sns: SNSClient;
  readonly sqs: SQSClient;
  /** A new table with the stack's schema (keys, indexes, stream); nothing polls its stream. */
  createTable(prefix: string): Promise<{ tableName: string; streamArn: string }>;
  /** Every record currently in the table's stream, oldest first, as Lambda delivers them. */
  readStream(streamArn: string): Promise<DynamoDBRecord[]>;
  stop(): Promise<void>;
}

export async function startBenchStack(trust: BenchTrust, streamPollMs: number): Promise<BenchStack> {
  const stateDir = mkdtempSync(path.join(tmpdir(), 'bench-local-'));
  const stack = await startLocalStack(
    readLocalConfig({
      LOCAL_STATE_DIR: stateDir,
      PORT: '0',
      PANJAYA_PUBLIC_KEYS: trust.panjayaPublicKeyPem,
      CONTENTOR_WEBHOOK_SECRETS: trust.contentorSecret,
      LOCAL_CONSOLE_SUBSCRIBER: 'off',
      LOCAL_STREAM_POLL_MS: String(streamPollMs),
    }),
  );
  const out = Object.values(stack.outputs)[0];
  if (!out) throw new Error('local stack wrote no outputs');
  const dynamo = new DynamoDBClient(clientConfig(out.DynamoDbEndpoint));
  const streams = new DynamoDBStreamsClient(clientConfig(out.DynamoDbEndpoint));

  async function readStream(streamArn: string): Promise<DynamoDBRecord[]> {
    const records: DynamoDBRecord[] = [];
    const description = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    for (const shard of description.StreamDescription?.Shards ?? []) {
      const start = await streams.send(new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' }));
      let iterator = start.ShardIterator;
      // An open shard always hands out a next iterator: stop at the first empty page.
      while (iterator) {
        const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
        const batch = page.Records ?? [];
        records.push(...batch.map((record) => toLambdaRecord(record, streamArn)));
        if (batch.length === 0) break;
        iterator = page.NextShardIterator;
      }
    }
    return records;
  }

  return {
    apiUrl: stack.apiUrl,
    tableName: out.TableName,
    dynamoEndpoint: out.DynamoDbEndpoint,
    snsEndpoint: out.SnsEndpoint,
    topics: { succeeded: out.SucceededTopicArn, failed: out.FailedTopicArn, alerts: out.JobAlertsTopicArn },
    stateDir,
    dynamo,
    streams,
    sns: new SNSClient(clientConfig(out.SnsEndpoint)),
    sqs: new SQSClient(clientConfig(out.SnsEndpoint)),
    async createTable(prefix) {
      const tableName = `${prefix}-${randomUUID().slice(0, 8)}`;
      const created = await dynamo.send(new CreateTableCommand(createTableInput(tableName)));
      const streamArn = created.TableDescription?.LatestStreamArn;
      if (!streamArn) throw new Error(`table ${tableName} has no stream`);
      return { tableName, streamArn };
    },
    readStream,
    async stop() {
      await stack.stop();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
