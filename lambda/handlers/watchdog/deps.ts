/** Production wiring of the watchdog from its environment (validated once per cold start). */
import { makeDocumentClient } from '../../adapters/dynamo-client';
import { DynamoWatchdogStore } from '../../adapters/dynamo-watchdog-store';
import { makeTelemetry } from '../../adapters/telemetry';
import { readEnv } from '../../config/read-env';
import { WatchdogEnvSchema } from '../../config/watchdog-env';
import { envNames } from '../../contracts';
import { parseStallDeadlines } from '../../core/watchdog';
import { providersFromEnv } from '../provider-wiring';
import type { WatchdogHandlerDeps } from './handler';

export function watchdogDepsFromEnv(env: NodeJS.ProcessEnv = process.env): WatchdogHandlerDeps {
  const config = readEnv(WatchdogEnvSchema, env, 'watchdog');
  return {
    store: new DynamoWatchdogStore(makeDocumentClient(), config[envNames.tableName]),
    // Deadlines may name configured providers' statuses.
    deadlines: parseStallDeadlines(config[envNames.stallDeadlines], envNames.stallDeadlines, providersFromEnv(env)),
    retentionDays: config[envNames.eventRetentionDays],
    telemetry: makeTelemetry('watchdog'),
  };
}
