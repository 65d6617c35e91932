/**
 * What `npm run redrive` talks to: the table, the notification ledger and, to publish, the two systems topics (and
 * the job-alerts topic with the stack's alert settings, so people are alerted as the fan-out would have), plus the
 * fan-out's dead-letter queue, all from the outputs file (emulator endpoints for the local stack; the SDK's chain and
 * the stack's region for a deployed one). The CLI and the console open it the same way.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { DynamoAlertStore } from '../../lambda/adapters/dynamo-alert-store';
import { DynamoNotificationLedger } from '../../lambda/adapters/notification-ledger';
import { SnsNotificationPublisher } from '../../lambda/adapters/sns-publisher';
import { alertEnvShape, alertSettingsOf } from '../../lambda/config/alert-env';
import { readEnv } from '../../lambda/config/read-env';
import { clientConfig, envNames, JOBS_COMMAND_HINTS } from '../../lambda/contracts';
import { loadOutputs, type StackOutputs } from './outputs';
import type { RedriveDeps } from './redrive-run';

/** The re-drive's dependencies for one stack, and the dead-letter queue it reports on. */
export interface RedriveTarget {
  readonly outputs: StackOutputs & { file: string };
  readonly deps: RedriveDeps;
  /** `dlqUrl` when given, else the outputs' DeadLetterQueueUrl. */
  readonly dlqUrl?: string;
}

/** Opens the stack named by `outputsFile` (undefined: found as every CLI finds it). */
export function openRedriveTarget(outputsFile: string | undefined, env: NodeJS.ProcessEnv = process.env, dlqUrl?: string): RedriveTarget {
  const outputs = loadOutputs(outputsFile, env);
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient(clientConfig(outputs.DynamoDbEndpoint)));
  const snsConfig = clientConfig(outputs.SnsEndpoint);
  const alertsTopic = outputs.JobAlertsTopicArn;
  const publisher =
    outputs.SucceededTopicArn && outputs.FailedTopicArn
      ? new SnsNotificationPublisher(new SNSClient(snsConfig), {
          succeeded: outputs.SucceededTopicArn,
          failed: outputs.FailedTopicArn,
          ...(alertsTopic ? { alerts: alertsTopic } : {}),
        })
      : undefined;
  // The stack's alert settings as the fan-out reads them (the same variables; defaults when unset).
  const alertConfig = readEnv(z.object(alertEnvShape), env, 'redrive');
  const queueUrl = dlqUrl ?? outputs.DeadLetterQueueUrl;
  return {
    outputs,
    dlqUrl: queueUrl,
    deps: {
      doc,
      tableName: outputs.TableName,
      ledger: new DynamoNotificationLedger(doc, outputs.TableName),
      publisher,
      sqs: queueUrl ? new SQSClient(snsConfig) : undefined,
      jobsCommandHint: env[envNames.jobsCommandHint] || JOBS_COMMAND_HINTS.local,
      ...(alertsTopic ? { alerts: { store: new DynamoAlertStore(doc, outputs.TableName), settings: alertSettingsOf(alertConfig) } } : {}),
    },
  };
}
