import { makeDocumentClient } from '../../lambda/adapters/dynamo-client';
import { DynamoJobQueries } from '../../lambda/adapters/dynamo-job-queries';
import type { JobQueries } from '../../lambda/core/ports';
import { loadOutputs } from './outputs';

/** Job queries against the stack named by the outputs file (local endpoint, or AWS with the default chain). */
export function openJobQueries(outputsFile: string | undefined): JobQueries {
  const outputs = loadOutputs(outputsFile);
  return new DynamoJobQueries({ client: makeDocumentClient({ endpoint: outputs.DynamoDbEndpoint }), tableName: outputs.TableName });
}
