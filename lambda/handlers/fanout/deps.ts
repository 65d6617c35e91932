/** Production wiring of the fan-out from its environment (validated once per cold start; clients created once). */
import { makeDocumentClient } from '../../adapters/dynamo-client';
import { DynamoNotificationLedger } from '../../adapters/notification-ledger';
import { makeSnsClient, SnsNotificationPublisher } from '../../adapters/sns-publisher';
import { makeTelemetry } from '../../adapters/telemetry';
import { FanoutEnvSchema } from '../../config/fanout-env';
import { readEnv } from '../../config/read-env';
import { envNames } from '../../contracts';
import { DEFAULT_MARK_RETRY_DELAYS_MS } from '../../core/fanout';
import { providersFromEnv } from '../provider-wiring';
import { DEFAULT_JOBS_COMMAND_HINT, type FanoutHandlerDeps } from './handler';

export function fanoutDepsFromEnv(env: NodeJS.ProcessEnv = process.env): FanoutHandlerDeps {
  const config = readEnv(FanoutEnvSchema, env, 'fan-out');
  const tableName = config[envNames.tableName];
  return {
    publisher: new SnsNotificationPublisher(makeSnsClient(), { succeeded: config[envNames.succeededTopicArn], failed: config[envNames.failedTopicArn] }),
    ledger: new DynamoNotificationLedger(makeDocumentClient(), tableName),
    jobsCommandHint: config[envNames.jobsCommandHint] || DEFAULT_JOBS_COMMAND_HINT,
    providers: providersFromEnv(env),
    telemetry: makeTelemetry('fanout'),
    markRetryDelaysMs: DEFAULT_MARK_RETRY_DELAYS_MS,
  };
}
