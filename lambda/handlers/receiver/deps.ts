/** Production wiring of the receiver from its environment (validated once; keys parsed once; clients created once). */
import { envNames } from '../../contracts';
import { readReceiverEnv } from '../../config/receiver-env';
import { makeDocumentClient } from '../../adapters/dynamo-client';
import { DynamoEventStore } from '../../adapters/dynamo-event-store';
import { DynamoQuarantineStore } from '../../adapters/dynamo-quarantine-store';
import { makeTelemetry } from '../../adapters/telemetry';
import { providersFromEnv, trustFromEnv } from '../provider-wiring';
import type { ReceiverDeps } from './handler';

export function receiverDepsFromEnv(env: NodeJS.ProcessEnv = process.env): ReceiverDeps {
  const config = readReceiverEnv(env);
  const providers = providersFromEnv(env);
  const client = makeDocumentClient({ endpoint: config[envNames.dynamoDbEndpoint] });
  const hourlyCap = config[envNames.quarantineHourlyCap];
  return {
    findProvider: providers.get,
    store: new DynamoEventStore({
      client,
      tableName: config[envNames.tableName],
      retentionDays: config[envNames.eventRetentionDays],
      retryWindowSeconds: config[envNames.panjayaRetryWindowSeconds],
    }),
    trust: trustFromEnv(env, providers, config[envNames.secretCacheTtlSeconds] * 1000),
    maxBodyBytes: config[envNames.maxBodyBytes],
    now: () => new Date(),
    telemetry: makeTelemetry('receiver'),
    quarantine:
      hourlyCap > 0
        ? new DynamoQuarantineStore({ client, tableName: config[envNames.tableName], retentionDays: config[envNames.quarantineRetentionDays], hourlyCap })
        : undefined,
  };
}
