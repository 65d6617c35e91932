/**
 * Reading job state from your own code with the AWS SDK v3 alone (README "Querying job state from code"; the README
 * quotes this file and test/integration/cli-usage.test.ts runs it against DynamoDB Local). Keys: README "Where job
 * state lives". Copy it: it depends on nothing in this repository.
 */
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';

/** The fields the `jobs --json` contract promises, from one job state item. */
export interface JobState {
  /** A built-in provider (panjaya, contentor) or a configured one's route name. */
  provider: string;
  jobId: string;
  /** in_progress | ready | succeeded | failed | unknown | stalled */
  status: string;
  /** The provider's own status or event name. */
  eventType: string;
  updatedAt: string;
}

export function jobStateReader(tableName: string, client: DynamoDBClientConfig = {}) {
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient(client));
  const read = async (partition: string, jobId: string): Promise<JobState | undefined> => {
    const { Item } = await doc.send(new GetCommand({ TableName: tableName, Key: { pk: `JOB#${partition}`, sk: `STATE#${jobId}` } }));
    if (!Item) return undefined;
    return { provider: Item.provider, jobId: Item.jobId, status: Item.status, eventType: Item.eventType, updatedAt: Item.updatedAt };
  };
  return {
    /** A Contentor job by its uuid. */
    contentor: (uuid: string) => read(`contentor#${uuid}`, uuid),
    /** A Panjaya version, or the asset-level job when `versionId` is omitted. */
    panjaya: (assetId: string, versionId?: string) => read(`panjaya#${assetId}`, versionId ? `${assetId}/${versionId}` : assetId),
  };
}
