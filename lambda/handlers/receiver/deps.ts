/**
 * The receiver's wiring on every host (the Lambda entry, the local stack, replay and the bench): from its
 * environment, validated once; keys parsed once; clients created once.
 */
import { envNames } from '../../contracts';
import { readReceiverEnv, retryWindowSecondsOf, type ReceiverEnv, type ReceiverEnvInput } from '../../config/receiver-env';
import { makeDocumentClient } from '../../adapters/dynamo-client';
import { DynamoEventStore } from '../../adapters/dynamo-event-store';
import { DynamoQuarantineStore } from '../../adapters/dynamo-quarantine-store';
import { makeTelemetry } from '../../adapters/telemetry';
import { providersOf, trustOf } from '../provider-wiring';
import type { ReceiverDeps } from './handler';

/** The receiver's dependencies, with the concrete store (the bench reads its capacity report). */
export type ReceiverWiring = Omit<ReceiverDeps, 'store'> & { readonly store: DynamoEventStore };

/** The dependencies from settings already read (replay reads them first for its own retention and dry-run store). */
export function receiverDeps(config: ReceiverEnv): ReceiverWiring {
  const providers = providersOf(config);
  const client = makeDocumentClient({ endpoint: config[envNames.dynamoDbEndpoint] });
  const hourlyCap = config[envNames.quarantineHourlyCap];
  return {
    findProvider: providers.get,
    store: new DynamoEventStore({
      client,
      tableName: config[envNames.tableName],
      retentionDays: config[envNames.eventRetentionDays],
      retryWindowSeconds: retryWindowSecondsOf(config),
    }),
    trust: trustOf(config, providers, config[envNames.secretCacheTtlSeconds] * 1000),
    maxBodyBytes: config[envNames.maxBodyBytes],
    now: () => new Date(),
    telemetry: makeTelemetry('receiver'),
    quarantine:
      hourlyCap > 0
        ? new DynamoQuarantineStore({ client, tableName: config[envNames.tableName], retentionDays: config[envNames.quarantineRetentionDays], hourlyCap })
        : undefined,
  };
}

export function receiverDepsFromEnv(env: ReceiverEnvInput | NodeJS.ProcessEnv = process.env): ReceiverWiring {
  return receiverDeps(readReceiverEnv(env));
}
