/** Production wiring of the watchdog from its environment (validated once per cold start): the Lambda entry and the local stack. */
import { DynamoAlertStore } from '../../adapters/dynamo-alert-store';
import { makeDocumentClient } from '../../adapters/dynamo-client';
import { DynamoWatchdogStore } from '../../adapters/dynamo-watchdog-store';
import { makeSnsClient, SnsNotificationPublisher } from '../../adapters/sns-publisher';
import { makeTelemetry } from '../../adapters/telemetry';
import { alertSettingsOf } from '../../config/alert-env';
import { readEnv } from '../../config/read-env';
import { WatchdogEnvSchema, type WatchdogEnvInput } from '../../config/watchdog-env';
import { envNames, JOBS_COMMAND_HINTS } from '../../contracts';
import { parseStallDeadlines } from '../../core/watchdog';
import { providersOf } from '../provider-wiring';
import type { WatchdogHandlerDeps } from './handler';

export function watchdogDepsFromEnv(env: WatchdogEnvInput | NodeJS.ProcessEnv = process.env): WatchdogHandlerDeps {
  const config = readEnv(WatchdogEnvSchema, env, 'watchdog');
  const doc = makeDocumentClient({ endpoint: config[envNames.dynamoDbEndpoint] });
  const tableName = config[envNames.tableName];
  const providers = providersOf(config);
  const alertsTopic = config[envNames.jobAlertsTopicArn];
  return {
    store: new DynamoWatchdogStore(doc, tableName),
    // Deadlines may name configured providers' statuses.
    deadlines: parseStallDeadlines(config[envNames.stallDeadlines], envNames.stallDeadlines, providers),
    retentionDays: config[envNames.eventRetentionDays],
    telemetry: makeTelemetry('watchdog'),
    ...(alertsTopic
      ? {
          digests: {
            store: new DynamoAlertStore(doc, tableName),
            // Only the job-alerts topic: the watchdog never publishes a systems message (stalls reach them through the stream).
            publisher: new SnsNotificationPublisher(makeSnsClient(config[envNames.snsEndpoint]), { succeeded: '', failed: '', alerts: alertsTopic }),
            settings: alertSettingsOf(config),
            jobsCommandHint: config[envNames.jobsCommandHint] || JOBS_COMMAND_HINTS.local,
            providers,
          },
        }
      : {}),
  };
}
