/**
 * A fresh jobs table on DynamoDB Local with the event store and job queries over it: the set-up every event-store
 * integration suite shares (test/integration/event-store*.test.ts).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { makeDocumentClient } from '../../lambda/adapters/dynamo-client';
import { DynamoEventStore } from '../../lambda/adapters/dynamo-event-store';
import { DynamoJobQueries } from '../../lambda/adapters/dynamo-job-queries';
import { createTestTable, dynamoEndpoint } from './aws-local';

export type TestTable = Awaited<ReturnType<typeof createTestTable>>;

export interface EventStoreTable {
  readonly table: TestTable;
  readonly client: DynamoDBDocumentClient;
  readonly store: DynamoEventStore;
  readonly queries: DynamoJobQueries;
  /** Clients a suite makes for itself (faulty, racing): `close` destroys them with its own. */
  readonly opened: DynamoDBDocumentClient[];
  /** Drops the table and destroys every client. */
  close(): Promise<void>;
}

export async function openEventStoreTable(retentionDays: number): Promise<EventStoreTable> {
  const table = await createTestTable();
  const client = makeDocumentClient({ endpoint: dynamoEndpoint() });
  const opened: DynamoDBDocumentClient[] = [];
  return {
    table,
    client,
    store: new DynamoEventStore({ client, tableName: table.tableName, retentionDays }),
    queries: new DynamoJobQueries({ client, tableName: table.tableName }),
    opened,
    close: async () => {
      await table.drop();
      for (const c of [client, ...opened]) c.destroy();
    },
  };
}
