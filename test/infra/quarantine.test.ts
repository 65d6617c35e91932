/** The quarantine in the template: receiver settings from context, the alarm pointing at replay, the dashboard row. */
import { Match } from 'aws-cdk-lib/assertions';
import { envNames, metricNames } from '../../lambda/contracts';
import { ConfigError, parseDeployConfig } from '../../lib/config';
import { resourcesOf, synth } from './synth';

function receiverEnv(context: Record<string, unknown> = {}): Record<string, string> {
  const { template } = synth(context, { bundle: false });
  const receiver = Object.values(resourcesOf(template, 'AWS::Lambda::Function')).find(
    (fn) => (fn.Properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables?.POWERTOOLS_SERVICE_NAME === 'receiver',
  );
  return (receiver?.Properties.Environment as { Variables: Record<string, string> }).Variables;
}

it('gives the receiver the quarantine defaults: 14 days, 100 per route and hour', () => {
  expect(receiverEnv()).toMatchObject({ [envNames.quarantineRetentionDays]: '14', [envNames.quarantineHourlyCap]: '100' });
});

it('takes quarantineRetentionDays and quarantineHourlyCap from context (0 turns it off)', () => {
  expect(receiverEnv({ quarantineRetentionDays: '30', quarantineHourlyCap: '0' })).toMatchObject({
    [envNames.quarantineRetentionDays]: '30',
    [envNames.quarantineHourlyCap]: '0',
  });
});

it('refuses a bad quarantine setting, naming the key', () => {
  expect(() => parseDeployConfig({ quarantineHourlyCap: -1 })).toThrow(ConfigError);
  expect(() => parseDeployConfig({ quarantineHourlyCap: -1 })).toThrow(/quarantineHourlyCap/);
  expect(() => parseDeployConfig({ quarantineRetentionDays: 0 })).toThrow(/quarantineRetentionDays/);
});

it('points the rejected-deliveries alarm at npm run replay -- list', () => {
  const { template } = synth({}, { bundle: false });
  template.hasResourceProperties('AWS::CloudWatch::Alarm', {
    MetricName: metricNames.rejected,
    AlarmDescription: Match.stringLikeRegexp('npm run replay -- list'),
  });
});

it('shows quarantined deliveries per reason on the dashboard', () => {
  const { template } = synth({}, { bundle: false });
  const dashboards = Object.values(resourcesOf(template, 'AWS::CloudWatch::Dashboard'));
  const body = JSON.stringify(dashboards.map((d) => d.Properties.DashboardBody));
  expect(body).toContain(metricNames.quarantined);
  expect(body).toContain('Quarantined deliveries per reason');
});
