/**
 * Shared pieces of the property suites: a receiver harness whose store counts every write attempt (so "no write"
 * means the store was never called, not merely that a row is missing), and a raw HTTP POST that can send a header
 * several times and arbitrary body bytes, which fetch cannot.
 */
import { request } from 'node:http';
import { makeDocumentClient } from '../../lambda/adapters/dynamo-client';
import { DynamoEventStore } from '../../lambda/adapters/dynamo-event-store';
import { DynamoJobQueries } from '../../lambda/adapters/dynamo-job-queries';
import type { EventStore } from '../../lambda/core/ports';
import type { ReceiverDeps } from '../../lambda/handlers/receiver/handler';
import { createTestTable, dynamoEndpoint } from '../helpers/aws-local';
import { receiverHarness, type ReceiverHarness } from '../helpers/receiver-harness';

export interface CountingHarness extends ReceiverHarness {
  /** Calls to the store since the harness started. */
  readonly writes: () => number;
}

/** The receiver harness with a write-counting store on its own fresh table. */
export async function countingHarness(overrides: Partial<ReceiverDeps> = {}): Promise<CountingHarness> {
  const table = await createTestTable();
  const client = makeDocumentClient({ endpoint: dynamoEndpoint() });
  const real = new DynamoEventStore({ client, tableName: table.tableName, retentionDays: 30 });
  let writes = 0;
  const store: EventStore = {
    store: (event, receivedAt) => {
      writes += 1;
      return real.store(event, receivedAt);
    },
  };
  const h = await receiverHarness({ store, ...overrides });
  return {
    ...h,
    // Queries read the table this store writes (the harness's own table stays empty).
    queries: new DynamoJobQueries({ client, tableName: table.tableName }),
    writes: () => writes,
    stop: async () => {
      await h.stop();
      await table.drop();
    },
  };
}

/** POSTs exact bytes; a header given as an array is sent as that many separate header lines. */
export function rawPost(url: string, path: string, body: Buffer, headers: Record<string, string | string[]>): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { method: 'POST' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    for (const [name, value] of Object.entries(headers)) req.setHeader(name, value);
    req.end(body);
  });
}
