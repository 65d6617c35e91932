import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import { Alarm, AlarmStatusWidget, ComparisonOperator, GraphWidget, Metric, TreatMissingData, type Dashboard } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, RuleTargetInput, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { envNames, flushDigestsEvent, metricNames } from '../../lambda/contracts';
import { serialiseStallDeadlines, type StallDeadlines } from '../../lambda/core/watchdog';
import { tableSchema } from '../../lambda/contracts';
import { WebhookFunction } from './functions';

/** Props of {@link Watchdog}. */
export interface WatchdogProps {
  /** The table (state items, byStatus index, event items). */
  readonly table: ITable;
  /** Resolved deadlines (lib/config.ts `stallDeadlines`, merged over the defaults). */
  readonly deadlines: StallDeadlines;
  /**
   * More environment for the function: the alert settings it shares with the fan-out, and the configured providers
   * (whose statuses deadlines may name).
   * @default none
   */
  readonly extraEnvironment?: Readonly<Record<string, string>>;
  /** The job-alerts topic, where the function publishes the digests of closed alert windows. */
  readonly jobAlertsTopic: ITopic;
  /** The key encrypting the job-alerts topic. */
  readonly topicKey: IKey;
  /** Minutes between sweeps. */
  readonly intervalMinutes: number;
  /** TTL of the stall event items, as for every event item. */
  readonly eventRetentionDays: number;
  /** Where the sweep-failure alarm notifies. */
  readonly alarmTopic: ITopic;
  /** `POWERTOOLS_SERVICE_NAME` of the function. */
  readonly serviceName: string;
  /** The instance's metrics namespace (lib/metrics-namespace.ts). */
  readonly metricsNamespace: string;
  /** Log retention of the function's log group. */
  readonly logRetention: RetentionDays;
  /**
   * What happens to the log group when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly logRemovalPolicy?: RemovalPolicy;
  /**
   * Dashboard to add a watchdog row to (stalled jobs, sweep errors, the alarm).
   * @default - none
   */
  readonly dashboard?: Dashboard;
}

/**
 * The stalled-job watchdog: a function run every `intervalMinutes` by an EventBridge rule. It reads the byStatus
 * index (Query only), writes a stall as one transaction (PutItem + UpdateItem on the table) and notifies through
 * the table stream and the fan-out like any terminal event. A second rule runs it every minute to publish the digest
 * of each closed alert window (lambda/core/alerts), so a digest goes out even when no further event arrives.
 */
export class Watchdog extends Construct {
  /** The sweep function. */
  public readonly function: WebhookFunction;
  /** The sweep schedule. */
  public readonly rule: Rule;
  /** The one-minute schedule that flushes the digests of closed alert windows. */
  public readonly digestRule: Rule;
  /** Fires when a sweep fails (index read or stall write), to the alarm topic. */
  public readonly sweepErrors: Alarm;

  constructor(scope: Construct, id: string, props: WatchdogProps) {
    super(scope, id);
    this.function = new WebhookFunction(this, 'Function', {
      handlerName: 'watchdog',
      serviceName: props.serviceName,
      metricsNamespace: props.metricsNamespace,
      // One Query per swept status and a write per stalled job: I/O-bound, the smallest sensible size.
      memorySize: 256,
      // Up to 500 states per status per sweep, each at most one transaction: seconds normally; a minute bounds a
      // sweep stuck behind a throttled table well before the next one starts.
      timeout: Duration.minutes(1),
      logRetention: props.logRetention,
      logRemovalPolicy: props.logRemovalPolicy,
      environment: {
        [envNames.tableName]: props.table.tableName,
        [envNames.stallDeadlines]: serialiseStallDeadlines(props.deadlines),
        [envNames.eventRetentionDays]: String(props.eventRetentionDays),
        ...props.extraEnvironment,
      },
    });
    const statusIndexArn = `${props.table.tableArn}/index/${tableSchema.statusIndex.name}`;
    this.function.allow('FindOverdueJobs', ['dynamodb:Query'], [statusIndexArn]);
    // The index is KEYS_ONLY: the states it names are read back from the table.
    this.function.allow('ReadOverdueStates', ['dynamodb:BatchGetItem'], [props.table.tableArn]);
    // TransactWriteItems is authorised per contained action: these two, on the table itself.
    this.function.allow('WriteStalls', ['dynamodb:PutItem', 'dynamodb:UpdateItem'], [props.table.tableArn]);
    // Alert windows (heads, decisions, rate slots) are items of the table: find the closed ones, claim a digest once.
    this.function.allow('FlushAlertDigests', ['dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], [props.table.tableArn]);
    this.function.allow('PublishDigests', ['sns:Publish'], [props.jobAlertsTopic.topicArn]);
    // What SNS needs from a publisher to an encrypted topic (as for the fan-out).
    this.function.allow('EncryptForAlertsTopic', ['kms:GenerateDataKey', 'kms:Decrypt'], [props.topicKey.keyArn]);

    this.rule = new Rule(this, 'Schedule', {
      description: `Stalled-job sweep every ${props.intervalMinutes} minute(s)`,
      schedule: Schedule.rate(Duration.minutes(props.intervalMinutes)),
      // No retries: the next scheduled sweep is the retry, and two sweeps at once would only compete.
      targets: [new LambdaFunction(this.function.function, { retryAttempts: 0, maxEventAge: Duration.minutes(props.intervalMinutes) })],
    });
    this.digestRule = new Rule(this, 'DigestSchedule', {
      description: 'Publishes the digest of each closed alert window, every minute',
      schedule: Schedule.rate(Duration.minutes(1)),
      // No retries, as for the sweep: the next minute's run is the retry.
      targets: [
        new LambdaFunction(this.function.function, {
          event: RuleTargetInput.fromObject(flushDigestsEvent),
          retryAttempts: 0,
          maxEventAge: Duration.minutes(1),
        }),
      ],
    });

    this.sweepErrors = new Alarm(this, 'SweepErrors', {
      metric: this.function.function.metricErrors({ period: Duration.minutes(Math.max(5, props.intervalMinutes)) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription:
        'The stalled-job watchdog failed (index read or stall write): stalled jobs may go unreported until it recovers. See the watchdog log group.',
    });
    this.sweepErrors.addAlarmAction(new SnsAction(props.alarmTopic));
    this.sweepErrors.addOkAction(new SnsAction(props.alarmTopic));

    const period = Duration.minutes(5);
    const count = (metricName: string) =>
      new Metric({ namespace: props.metricsNamespace, metricName, dimensionsMap: { service: props.serviceName }, statistic: 'Sum', period });
    props.dashboard?.addWidgets(
      new GraphWidget({
        title: 'Watchdog',
        width: 12,
        left: [count(metricNames.stalled), count(metricNames.stallWriteFailed)],
        right: [this.function.function.metricErrors({ period })],
      }),
      new AlarmStatusWidget({ title: 'Watchdog alarm', width: 12, alarms: [this.sweepErrors] }),
    );
  }
}
