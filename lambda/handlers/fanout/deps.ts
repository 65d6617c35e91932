/** Production wiring of the fan-out from its environment (validated once per cold start; clients created once). */
import { DynamoAlertStore } from '../../adapters/dynamo-alert-store';
import { makeDocumentClient } from '../../adapters/dynamo-client';
import { DynamoNotificationLedger } from '../../adapters/notification-ledger';
import { makeSnsClient, SnsNotificationPublisher } from '../../adapters/sns-publisher';
import { makeTelemetry } from '../../adapters/telemetry';
import { alertSettingsOf } from '../../config/alert-env';
import { FanoutEnvSchema, type FanoutEnvInput } from '../../config/fanout-env';
import { readEnv } from '../../config/read-env';
import { envNames, JOBS_COMMAND_HINTS } from '../../contracts';
import { DEFAULT_MARK_RETRY_DELAYS_MS } from '../../core/fanout';
import { providersOf } from '../provider-wiring';
import type { FanoutHandlerDeps } from './handler';

/** The fan-out's dependencies from its environment: the Lambda entry and the local stack both wire it here. */
export function fanoutDepsFromEnv(env: FanoutEnvInput | NodeJS.ProcessEnv = process.env): FanoutHandlerDeps {
  const config = readEnv(FanoutEnvSchema, env, 'fan-out');
  const tableName = config[envNames.tableName];
  const doc = makeDocumentClient({ endpoint: config[envNames.dynamoDbEndpoint] });
  const alertsTopic = config[envNames.jobAlertsTopicArn];
  return {
    publisher: new SnsNotificationPublisher(makeSnsClient(config[envNames.snsEndpoint]), {
      succeeded: config[envNames.succeededTopicArn],
      failed: config[envNames.failedTopicArn],
      ...(alertsTopic ? { alerts: alertsTopic } : {}),
    }),
    ledger: new DynamoNotificationLedger(doc, tableName),
    jobsCommandHint: config[envNames.jobsCommandHint] || JOBS_COMMAND_HINTS.local,
    providers: providersOf(config),
    telemetry: makeTelemetry('fanout'),
    markRetryDelaysMs: DEFAULT_MARK_RETRY_DELAYS_MS,
    ...(alertsTopic ? { alerts: { store: new DynamoAlertStore(doc, tableName), settings: alertSettingsOf(config) } } : {}),
  };
}
