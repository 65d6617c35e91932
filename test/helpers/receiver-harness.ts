/**
 * The receiver as a provider sees it: the Lambda handler behind the local API Gateway adapter, storing into a fresh
 * DynamoDB Local table. Dependencies can be swapped one at a time to inject faults.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { Server } from 'node:http';
import { makeDocumentClient } from '../../lambda/adapters/dynamo-client';
import { DynamoEventStore } from '../../lambda/adapters/dynamo-event-store';
import { DynamoJobQueries } from '../../lambda/adapters/dynamo-job-queries';
import { makeTelemetry } from '../../lambda/adapters/telemetry';
import { builtInRegistry } from '../../lambda/core/providers';
import { makeReceiverHandler, type ReceiverDeps } from '../../lambda/handlers/receiver/handler';
import { createLocalApi, listen } from '../../local/http-server';
import { createTestTable, dynamoEndpoint } from './aws-local';
import type { SecretSource } from '../../lambda/core/ports';
import { trustResolver } from '../../lambda/core/trust';
import { StaticSecretSource } from '../../lambda/adapters/secret-source';

export const CONTENTOR_SECRET = 'test-contentor-secret';

export function panjayaKeyPair(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
}

export interface ReceiverHarness {
  readonly url: string;
  readonly privateKey: KeyObject;
  readonly queries: DynamoJobQueries;
  readonly deps: ReceiverDeps;
  post(path: string, body: string | Buffer, headers?: Record<string, string>): Promise<{ status: number; json: Record<string, unknown> }>;
  stop(): Promise<void>;
}

/**
 * `contentorSecrets` replaces the Contentor secret source (a failing one, a counting one); the Panjaya key is the
 * harness's own. `trust` overrides both.
 */
export async function receiverHarness(overrides: Partial<ReceiverDeps> & { contentorSecrets?: SecretSource } = {}): Promise<ReceiverHarness> {
  const { contentorSecrets = new StaticSecretSource([CONTENTOR_SECRET]), ...rest } = overrides;
  const table = await createTestTable();
  const client = makeDocumentClient({ endpoint: dynamoEndpoint() });
  const { privateKey, publicKey } = panjayaKeyPair();
  const deps: ReceiverDeps = {
    findProvider: builtInRegistry.get,
    store: new DynamoEventStore({ client, tableName: table.tableName, retentionDays: 30 }),
    trust: trustResolver({ publicKeys: { panjaya: [publicKey] }, secrets: { contentor: contentorSecrets } }),
    maxBodyBytes: 4096,
    now: () => new Date(),
    telemetry: makeTelemetry('receiver-test'),
    ...rest,
  };
  const server: Server = createLocalApi(makeReceiverHandler(deps));
  const port = await listen(server, 0);
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    privateKey,
    deps,
    queries: new DynamoJobQueries({ client, tableName: table.tableName }),
    async post(path, body, headers = {}) {
      const response = await fetch(`${url}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
      const text = await response.text();
      let json: Record<string, unknown> = {};
      try {
        json = JSON.parse(text) as Record<string, unknown>;
      } catch {
        json = { raw: text };
      }
      return { status: response.status, json };
    },
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await table.drop();
    },
  };
}
