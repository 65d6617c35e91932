/**
 * The alarm on parked notifications: terminal events the fan-out marked undeliverable (a permanent failure) no longer
 * fail a batch, so nothing else would page anyone; this alarm does, and says how to find and re-send them.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { metricNames } from '../../lambda/contracts';
import { APP_METRICS_NAMESPACE as metricsNamespace, resourcesOf, synth } from './synth';

const { template } = synth({}, { bundle: false });

const parkedAlarms = () =>
  Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm')).filter((alarm) => alarm.Properties.MetricName === metricNames.notifyParked);

describe('parked-notification alarm', () => {
  it("watches the fan-out's NotificationParked count in the app namespace, as its other metrics are", () => {
    expect(metricNames.notifyParked).toBe('NotificationParked');
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: metricsNamespace,
      MetricName: metricNames.notifyParked,
      Dimensions: [{ Name: 'service', Value: 'fanout' }],
      Statistic: 'Sum',
      Period: 300,
    });
    expect(parkedAlarms()).toHaveLength(1);
  });

  it('fires on the first parked event and stays quiet without traffic', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: metricNames.notifyParked,
      Threshold: 1,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
  });

  it('notifies the alarm topic on alarm and on recovery', () => {
    const alarmTopic = { Ref: Match.stringLikeRegexp('AlarmTopic') };
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: metricNames.notifyParked,
      AlarmActions: [alarmTopic],
      OKActions: [alarmTopic],
    });
  });

  it('tells the reader to run the re-drive', () => {
    expect(parkedAlarms()[0]?.Properties.AlarmDescription).toEqual(expect.stringContaining('`npm run redrive`'));
  });

  it('is on the dashboard with the other notification counts', () => {
    const [dashboard] = Object.values(resourcesOf(template, 'AWS::CloudWatch::Dashboard'));
    const body = JSON.stringify(dashboard?.Properties.DashboardBody);
    expect(body).toContain(`\\"${metricsNamespace}\\",\\"${metricNames.notifyParked}\\",\\"service\\",\\"fanout\\"`);
    const [alarmId] =
      Object.entries(resourcesOf(template, 'AWS::CloudWatch::Alarm')).find(([, a]) => a.Properties.MetricName === metricNames.notifyParked) ?? [];
    expect(body).toContain(alarmId);
  });
});
