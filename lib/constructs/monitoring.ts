import { Duration } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
  TreatMissingData,
  type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { metricNames } from '../../lambda/contracts';

/** Props of {@link Monitoring}. */
export interface MonitoringProps {
  /** Receiver function (its `service` metric dimension is `receiverService`). */
  readonly receiver: IFunction;
  /** Fan-out function. */
  readonly fanout: IFunction;
  /** The HTTP API. */
  readonly api: IHttpApi;
  /** The fan-out's on-failure queue. */
  readonly deadLetterQueue: IQueue;
  /** Where alarms notify. */
  readonly alarmTopic: ITopic;
  /** The instance's metrics namespace (lib/metrics-namespace.ts), where its functions count. */
  readonly metricsNamespace: string;
  /** `POWERTOOLS_SERVICE_NAME` of the receiver. */
  readonly receiverService: string;
  /** `POWERTOOLS_SERVICE_NAME` of the fan-out. */
  readonly fanoutService: string;
  /** `POWERTOOLS_SERVICE_NAME` of the watchdog (it publishes digests, so it reports alert failures too). */
  readonly watchdogService: string;
  /**
   * Signature rejections per 5 minutes that count as a spike (a key/secret rotation gone wrong, or probing).
   * @default 20
   */
  readonly rejectedSpikeThreshold?: number;
  /**
   * Stream iterator age (ms) above which the fan-out is falling behind.
   * @default 300000 (5 minutes)
   */
  readonly iteratorAgeThresholdMs?: number;
}

const PERIOD = Duration.minutes(5);

/** The alarms (all to the alarm topic) and one dashboard with the same signals plus the webhook counts. */
export class Monitoring extends Construct {
  /** Every alarm, by purpose. */
  public readonly alarms: {
    readonly receiverErrors: Alarm;
    readonly api5xx: Alarm;
    readonly rejectedSpike: Alarm;
    readonly fanoutErrors: Alarm;
    readonly deadLetters: Alarm;
    readonly parked: Alarm;
    readonly iteratorAge: Alarm;
    readonly alertFailed: Alarm;
  };
  /** The dashboard. */
  public readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const appMetric = (metricName: string, service: string) =>
      new Metric({ namespace: props.metricsNamespace, metricName, dimensionsMap: { service }, statistic: 'Sum', period: PERIOD });

    const alarm = (alarmId: string, metric: IMetric, threshold: number, description: string) => {
      const a = new Alarm(this, alarmId, {
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        // No data means no traffic, not trouble.
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      a.addAlarmAction(new SnsAction(props.alarmTopic));
      a.addOkAction(new SnsAction(props.alarmTopic));
      return a;
    };

    const iteratorAge = props.fanout.metric('IteratorAge', { statistic: 'Maximum', period: PERIOD });
    // Emitted by the fan-out and the watchdog: one line, either one counts (FILL: a quiet service is 0, not missing).
    const alertFailures = new MathExpression({
      expression: 'FILL(fanout, 0) + FILL(watchdog, 0)',
      usingMetrics: {
        fanout: appMetric(metricNames.alertFailed, props.fanoutService),
        watchdog: appMetric(metricNames.alertFailed, props.watchdogService),
      },
      label: metricNames.alertFailed,
      period: PERIOD,
    });
    this.alarms = {
      receiverErrors: alarm(
        'ReceiverErrors',
        props.receiver.metricErrors({ period: PERIOD }),
        1,
        'The receiver function failed (crash or timeout): providers got a 5xx and will retry.',
      ),
      api5xx: alarm(
        'Api5xx',
        props.api.metricServerError({ period: PERIOD }),
        1,
        'The webhook API answered 5xx (storage or dependency failure, throttled integration). A request too large ' +
          "for Lambda's 6 MB synchronous payload (from about 4.5 MB of body) never reaches the receiver: API Gateway " +
          'answers it with an error of its own, counted here (README "Request size").',
      ),
      rejectedSpike: alarm(
        'RejectedSignatureSpike',
        appMetric(metricNames.rejected, props.receiverService),
        props.rejectedSpikeThreshold ?? 20,
        'Many webhook deliveries were rejected (bad signature, unknown key, schema): a rotation gone wrong, or probing. ' +
          'Refused 401/400 deliveries are quarantined: see them with `npm run replay -- list`, and after fixing the ' +
          'secret, key or code, `npm run replay -- run --execute` (README "Recovering refused deliveries").',
      ),
      fanoutErrors: alarm(
        'FanoutErrors',
        props.fanout.metricErrors({ period: PERIOD }),
        1,
        'The fan-out function failed; stream records will be retried, then parked in the dead-letter queue.',
      ),
      deadLetters: alarm(
        'DeadLetters',
        props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: PERIOD }),
        1,
        'Notifications were given up on. Run `npm run redrive` after fixing the cause.',
      ),
      parked: alarm(
        'NotificationsParked',
        appMetric(metricNames.notifyParked, props.fanoutService),
        1,
        'Terminal events could not become a notification and were parked (marked undeliverable, still pending). ' +
          'Run `npm run redrive` to list them and, after fixing the cause, to send them.',
      ),
      iteratorAge: alarm(
        'StreamIteratorAge',
        iteratorAge,
        props.iteratorAgeThresholdMs ?? 300_000,
        'The fan-out is falling behind the table stream: notifications are late.',
      ),
      alertFailed: alarm(
        'AlertFailed',
        alertFailures,
        1,
        'An alert or digest for people could not be sent to the job-alerts topic (the systems topics are unaffected). ' +
          "The alert is retried or counted into its window's digest; see the fan-out and watchdog log groups for the cause.",
      ),
    };

    this.dashboard = new Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.hours(24),
      widgets: [
        [
          new GraphWidget({
            title: 'Webhooks',
            width: 12,
            left: [metricNames.received, metricNames.accepted, metricNames.duplicate, metricNames.rejected].map((name) =>
              appMetric(name, props.receiverService),
            ),
          }),
          new GraphWidget({
            title: 'Notifications',
            width: 12,
            left: [metricNames.notified, metricNames.notifyFailed, metricNames.notifyParked].map((name) => appMetric(name, props.fanoutService)),
          }),
        ],
        [
          new GraphWidget({
            title: 'Errors',
            width: 12,
            left: [
              props.receiver.metricErrors({ period: PERIOD }),
              props.api.metricServerError({ period: PERIOD }),
              props.fanout.metricErrors({ period: PERIOD }),
            ],
          }),
          new GraphWidget({
            title: 'Fan-out backlog',
            width: 12,
            left: [iteratorAge],
            right: [props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: PERIOD })],
          }),
        ],
        [
          new GraphWidget({
            title: 'Quarantined deliveries per reason (npm run replay -- list)',
            width: 12,
            // SEARCH: one line per reason that occurred, including reasons added later, without listing them here.
            left: [
              new MathExpression({
                // The namespace quoted: it holds "/" and whatever the stack name holds.
                expression: `SEARCH('{"${props.metricsNamespace}",reason,service} MetricName="${metricNames.quarantined}" service="${props.receiverService}"', 'Sum', ${PERIOD.toSeconds()})`,
                label: '',
                period: PERIOD,
              }),
            ],
          }),
          new GraphWidget({
            title: 'Quarantine: only counted (cap, identical) and failed',
            width: 12,
            left: [metricNames.quarantineSkipped, metricNames.quarantineFailed].map((name) => appMetric(name, props.receiverService)),
          }),
        ],
        [
          new GraphWidget({
            title: 'Alerts for people (job-alerts topic)',
            width: 24,
            left: [
              appMetric(metricNames.alertPublished, props.fanoutService),
              appMetric(metricNames.alertDigested, props.fanoutService),
              ...[props.fanoutService, props.watchdogService].flatMap((service) =>
                [metricNames.digestPublished, metricNames.alertFailed].map((name) => appMetric(name, service).with({ label: `${name} (${service})` })),
              ),
            ],
          }),
        ],
        [new AlarmStatusWidget({ title: 'Alarms', width: 24, alarms: Object.values(this.alarms) })],
      ],
    });
  }
}
