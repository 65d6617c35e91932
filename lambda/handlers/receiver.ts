/**
 * Receiver Lambda entry: wiring only, done once per cold start (environment validated, Panjaya keys parsed,
 * clients created) so each request pays for verification and storage alone. Logic: receiver-handler.ts, core/ingest.ts.
 */
import { envNames } from '../config/env';
import { readReceiverEnv } from '../config/receiver-env';
import { makeDocumentClient } from '../adapters/dynamo-client';
import { DynamoEventStore } from '../adapters/dynamo-event-store';
import { CachedSecretsManagerSource, StaticSecretSource } from '../adapters/secret-source';
import { makeTelemetry } from '../adapters/telemetry';
import { getProvider } from '../core/providers';
import { parsePanjayaPublicKeys } from '../core/providers/panjaya';
import type { SecretSource } from '../core/ports';
import { makeReceiverHandler, type ReceiverDeps } from './receiver-handler';

export function receiverDepsFromEnv(env: NodeJS.ProcessEnv = process.env): ReceiverDeps {
  const config = readReceiverEnv(env);
  const secretArn = config[envNames.contentorSecretArn];
  const secrets: SecretSource = secretArn
    ? new CachedSecretsManagerSource(secretArn, config[envNames.secretCacheTtlSeconds] * 1000)
    : new StaticSecretSource(config[envNames.contentorSecrets] ?? '');
  return {
    findProvider: getProvider,
    store: new DynamoEventStore({
      client: makeDocumentClient({ endpoint: config[envNames.dynamoDbEndpoint] }),
      tableName: config[envNames.tableName],
      retentionDays: config[envNames.eventRetentionDays],
    }),
    secrets,
    panjayaPublicKeys: parsePanjayaPublicKeys(config[envNames.panjayaPublicKeys]),
    maxBodyBytes: config[envNames.maxBodyBytes],
    now: () => new Date(),
    telemetry: makeTelemetry('receiver'),
  };
}

export const handler = makeReceiverHandler(receiverDepsFromEnv());
