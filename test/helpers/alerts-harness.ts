/**
 * The alerts path wired against the emulators as deployed: a fresh table, the three topics (succeeded, failed,
 * job-alerts), queues subscribed to them (standing in for systems, and for e-mail and Slack on the alerts topic),
 * fan-out and digest-flush handlers built by their own deps.ts from the same environment variables the stack sets.
 * The one thing added: an SNS client whose middleware records every PublishCommand input as the SDK sends it, with
 * the time, because fauxqs ignores MessageStructure (it delivers the whole structure) and so cannot show what SNS
 * would deliver per protocol.
 */
import { CreateTopicCommand, PublishCommand, type PublishCommandInput, SNSClient } from '@aws-sdk/client-sns';
import { DescribeStreamCommand, GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord } from 'aws-lambda';
import { envNames } from '../../lambda/contracts';
import { SnsNotificationPublisher } from '../../lambda/adapters/sns-publisher';
import { matchesStreamFilter } from '../../lambda/core/stream-filter';
import { fanoutDepsFromEnv } from '../../lambda/handlers/fanout/deps';
import { makeFanoutHandler } from '../../lambda/handlers/fanout/handler';
import { watchdogDepsFromEnv } from '../../lambda/handlers/watchdog/deps';
import { makeDigestFlushHandler } from '../../lambda/handlers/watchdog/handler';
import { subscribeQueue } from '../../local/console-subscriber';
import { toLambdaRecord } from '../../local/stream-poller';
import { createTestTable, dynamoEndpoint, localSns, localSqs, localStreams, snsEndpoint, uniqueName } from './aws-local';

export interface CapturedPublish {
  readonly at: number;
  readonly input: PublishCommandInput;
}

/** An SNS client for the emulator that records each Publish request at the SDK boundary. */
export function capturingSnsClient(captured: CapturedPublish[]): SNSClient {
  const client = new SNSClient({ endpoint: snsEndpoint(), region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === PublishCommand.name) captured.push({ at: Date.now(), input: args.input as PublishCommandInput });
      return next(args);
    },
    { step: 'initialize', name: 'capturePublish' },
  );
  return client;
}

export interface AlertSettingsEnv {
  perWindow: number;
  windowSeconds: number;
  statuses?: string;
}

export async function alertsHarness(settings: AlertSettingsEnv) {
  const sns = localSns();
  const sqs = localSqs();
  const table = await createTestTable();
  const topicArn = async (kind: string) => (await sns.send(new CreateTopicCommand({ Name: uniqueName(kind) }))).TopicArn ?? '';
  const topics = { succeeded: await topicArn('succeeded'), failed: await topicArn('failed'), alerts: await topicArn('alerts') };
  const systemsFailed = await subscribeQueue(sqs, sns, uniqueName('systems-failed'), [topics.failed]);
  const people = await subscribeQueue(sqs, sns, uniqueName('people'), [topics.alerts]);
  const env: NodeJS.ProcessEnv = {
    [envNames.tableName]: table.tableName,
    [envNames.dynamoDbEndpoint]: dynamoEndpoint(),
    [envNames.snsEndpoint]: snsEndpoint(),
    [envNames.succeededTopicArn]: topics.succeeded,
    [envNames.failedTopicArn]: topics.failed,
    [envNames.jobAlertsTopicArn]: topics.alerts,
    [envNames.alertsPerWindow]: String(settings.perWindow),
    [envNames.alertWindowSeconds]: String(settings.windowSeconds),
    ...(settings.statuses ? { [envNames.alertStatuses]: settings.statuses } : {}),
  };
  const captured: CapturedPublish[] = [];
  const publisher = new SnsNotificationPublisher(capturingSnsClient(captured), topics);
  const quiet = <T extends { telemetry: { logger: { setLogLevel(level: string): void } } }>(deps: T) => {
    deps.telemetry.logger.setLogLevel('SILENT');
    return deps;
  };
  /** A fan-out invocation's handler, as one Lambda container has it (its own clients), publishing through the capture. */
  const fanoutHandler = () => makeFanoutHandler(quiet({ ...fanoutDepsFromEnv(env), publisher }));
  /** The watchdog's digest task, as its one-minute schedule runs it. */
  const flushHandler = () => {
    const deps = quiet(watchdogDepsFromEnv(env));
    return makeDigestFlushHandler({ ...deps, ...(deps.digests ? { digests: { ...deps.digests, publisher } } : {}) });
  };
  return { sns, sqs, table, topics, systemsFailed, people, env, captured, fanoutHandler, flushHandler };
}

/** Every record now in the table's stream that the event-source mapping's filter lets through, as Lambda gets them. */
export async function filteredStreamRecords(streamArn: string): Promise<DynamoDBRecord[]> {
  const streams = localStreams();
  const records: DynamoDBRecord[] = [];
  const description = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
  for (const shard of description.StreamDescription?.Shards ?? []) {
    let iterator = (await streams.send(new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' })))
      .ShardIterator;
    while (iterator) {
      const out = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
      const batch = out.Records ?? [];
      records.push(...batch.map((r) => toLambdaRecord(r, streamArn)));
      if (batch.length === 0) break;
      iterator = out.NextShardIterator;
    }
  }
  return records.filter((r) => matchesStreamFilter(r));
}
