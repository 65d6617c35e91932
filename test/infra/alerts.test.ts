/**
 * The people's path in the template: the job-alerts topic and who subscribes to it (e-mail, Slack, Microsoft Teams,
 * new or existing Chatbot configurations), the topic key's principals, what the fan-out and the watchdog may do to
 * send alerts and digests, the one-minute digest schedule and the alert-failure alarm.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { envNames, flushDigestsEvent, metricNames } from '../../lambda/contracts';
import { JobWebhookReceiver, type JobWebhookReceiverProps } from '../../lib/job-webhook-receiver';
import { APP_METRICS_NAMESPACE as metricsNamespace, resourcesOf, synth } from './synth';

const slackIds = { slackWorkspaceId: 'T07ABCDEF12', slackChannelId: 'C07ABCDEF12' };
const teamsIds = {
  teamsTenantId: '8f4b2c1e-0d3a-4e5f-9a6b-7c8d9e0f1a2b',
  teamsTeamId: '1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d',
  teamsChannelId: '19%3ab6ef35dc342d56ba5654e6fc6d25a071%40thread.tacv2',
};
const existingSlack = 'arn:aws:chatbot::123456789012:chat-configuration/slack-channel/ops-alerts';
const existingTeams = 'arn:aws:chatbot::123456789012:chat-configuration/microsoft-teams-channel/ops-alerts';

const plain = synth({}, { bundle: false }).template;
const peopleTopics = [{ Ref: Match.stringLikeRegexp('JobAlertsTopic') }, { Ref: Match.stringLikeRegexp('AlarmTopic') }];

type Statement = { Sid?: string; Effect: string; Action: string | string[]; Resource: unknown; Principal?: unknown };
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);

function functionId(t: Template, service: string): string {
  const ids = Object.keys(
    t.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: service }) } } }),
  );
  if (ids.length !== 1) throw new Error(`expected one ${service} function, found ${ids.length}`);
  return ids[0] as string;
}

/** Statements of the policies attached to the role of the function with this service name. */
function statementsOf(t: Template, service: string): Statement[] {
  const fn = resourcesOf(t, 'AWS::Lambda::Function')[functionId(t, service)];
  const roleId = (fn?.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  return Object.values(resourcesOf(t, 'AWS::IAM::Policy'))
    .filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap((p) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}

/** The resources on which a function's role allows an action. */
const resourcesAllowed = (t: Template, service: string, action: string) =>
  statementsOf(t, service)
    .filter((s) => s.Effect === 'Allow' && list(s.Action).includes(action))
    .flatMap((s) => list(s.Resource));

const idOf = (t: Template, type: string, pattern: RegExp) => {
  const ids = Object.keys(t.findResources(type)).filter((id) => pattern.test(id));
  if (ids.length !== 1) throw new Error(`expected one ${type} like ${pattern}, found ${ids.join(', ') || 'none'}`);
  return ids[0] as string;
};

describe('job-alerts topic', () => {
  it('is encrypted with the topic key, TLS-only, and output as JobAlertsTopicArn', () => {
    const topic = idOf(plain, 'AWS::SNS::Topic', /JobAlertsTopic/);
    plain.hasResourceProperties('AWS::SNS::Topic', {
      DisplayName: 'Job alerts',
      KmsMasterKeyId: { 'Fn::GetAtt': [idOf(plain, 'AWS::KMS::Key', /TopicKey/), 'Arn'] },
    });
    plain.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: topic }],
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      },
    });
    plain.hasOutput('JobAlertsTopicArn', { Value: { Ref: topic } });
  });
});

describe('people subscribe to the job-alerts topic, never to the systems topics', () => {
  it('subscribes each alert e-mail to the job-alerts and alarm topics only', () => {
    const t = synth({ alertEmails: 'a@example.com,b@example.com' }, { bundle: false }).template;
    t.resourceCountIs('AWS::SNS::Subscription', 4);
    for (const email of ['a@example.com', 'b@example.com']) {
      for (const topic of peopleTopics) t.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: email, TopicArn: topic });
    }
    const systems = [idOf(t, 'AWS::SNS::Topic', /FailedTopic/), idOf(t, 'AWS::SNS::Topic', /SucceededTopic/)];
    for (const sub of Object.values(resourcesOf(t, 'AWS::SNS::Subscription'))) {
      expect(systems).not.toContain((sub.Properties.TopicArn as { Ref: string }).Ref);
    }
  });

  it('has no subscription and no Chatbot configuration without configuration', () => {
    plain.resourceCountIs('AWS::SNS::Subscription', 0);
    plain.resourceCountIs('AWS::Chatbot::SlackChannelConfiguration', 0);
    plain.resourceCountIs('AWS::Chatbot::MicrosoftTeamsChannelConfiguration', 0);
    plain.resourceCountIs('AWS::IAM::ManagedPolicy', 0);
  });

  it('gives a new Slack channel configuration the job-alerts and alarm topics, with a read-only guardrail', () => {
    const t = synth(slackIds, { bundle: false }).template;
    t.hasResourceProperties('AWS::Chatbot::SlackChannelConfiguration', {
      SlackWorkspaceId: 'T07ABCDEF12',
      SlackChannelId: 'C07ABCDEF12',
      SnsTopicArns: peopleTopics,
      GuardrailPolicies: [{ Ref: Match.stringLikeRegexp('ChatbotGuardrail') }],
      LoggingLevel: 'ERROR',
    });
    const readOnly = Match.arrayWith([
      Match.objectLike({ Effect: 'Allow', Action: ['cloudwatch:DescribeAlarmHistory', 'cloudwatch:DescribeAlarms', 'cloudwatch:DescribeAlarmsForMetric'] }),
      Match.objectLike({
        Effect: 'Allow',
        Action: ['cloudwatch:GetMetricData', 'cloudwatch:GetMetricStatistics', 'cloudwatch:GetMetricWidgetImage', 'cloudwatch:ListMetrics'],
        Resource: '*',
      }),
    ]);
    t.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'chatbot.amazonaws.com' } })] },
      ManagedPolicyArns: Match.absent(),
      Policies: [Match.objectLike({ PolicyDocument: { Statement: readOnly, Version: '2012-10-17' } })],
    });
    // The guardrail holds the same read-only document and is attached to no role.
    t.hasResourceProperties('AWS::IAM::ManagedPolicy', { PolicyDocument: { Statement: readOnly, Version: '2012-10-17' }, Roles: Match.absent() });
  });

  it('gives a new Microsoft Teams channel configuration the same topics, role, guardrail and logging as Slack', () => {
    const t = synth({ ...slackIds, ...teamsIds }, { bundle: false }).template;
    const role = idOf(t, 'AWS::IAM::Role', /ChatbotRole/);
    const guardrail = idOf(t, 'AWS::IAM::ManagedPolicy', /ChatbotGuardrail/);
    t.hasResourceProperties('AWS::Chatbot::MicrosoftTeamsChannelConfiguration', {
      TeamsTenantId: teamsIds.teamsTenantId,
      TeamId: teamsIds.teamsTeamId,
      TeamsChannelId: teamsIds.teamsChannelId,
      SnsTopicArns: peopleTopics,
      IamRoleArn: { 'Fn::GetAtt': [role, 'Arn'] },
      GuardrailPolicies: [{ Ref: guardrail }],
      LoggingLevel: 'ERROR',
    });
    t.hasResourceProperties('AWS::Chatbot::SlackChannelConfiguration', {
      IamRoleArn: { 'Fn::GetAtt': [role, 'Arn'] },
      GuardrailPolicies: [{ Ref: guardrail }],
    });
    t.resourceCountIs('AWS::IAM::ManagedPolicy', 1);
  });

  it.each([
    ['Slack', { slackChannelConfigurationArn: existingSlack }],
    ['Microsoft Teams', { teamsChannelConfigurationArn: existingTeams }],
    ['Slack and Microsoft Teams', { slackChannelConfigurationArn: existingSlack, teamsChannelConfigurationArn: existingTeams }],
  ])('creates no Chatbot configuration, role or guardrail for an existing %s configuration', (_name, context) => {
    const { template: t, stack } = synth(context, { bundle: false });
    t.resourceCountIs('AWS::Chatbot::SlackChannelConfiguration', 0);
    t.resourceCountIs('AWS::Chatbot::MicrosoftTeamsChannelConfiguration', 0);
    t.resourceCountIs('AWS::IAM::ManagedPolicy', 0);
    // No Chatbot role either: nothing in the template names the Chatbot service.
    expect(JSON.stringify(t.toJSON())).not.toContain('chatbot.amazonaws.com');
    expect(stack.receiver.parts.notifications.existingChatConfigurationArns).toEqual(Object.values(context));
  });

  it('uses an existing Slack configuration beside a new Teams one (and the reverse)', () => {
    const a = synth({ slackChannelConfigurationArn: existingSlack, ...teamsIds }, { bundle: false }).template;
    a.resourceCountIs('AWS::Chatbot::SlackChannelConfiguration', 0);
    a.resourceCountIs('AWS::Chatbot::MicrosoftTeamsChannelConfiguration', 1);
    const b = synth({ ...slackIds, teamsChannelConfigurationArn: existingTeams }, { bundle: false }).template;
    b.resourceCountIs('AWS::Chatbot::SlackChannelConfiguration', 1);
    b.resourceCountIs('AWS::Chatbot::MicrosoftTeamsChannelConfiguration', 0);
  });

  it('names Chatbot configurations uniquely per stack, construct and region (Chatbot names are account-wide)', () => {
    const props: JobWebhookReceiverProps = { ...slackIds, ...teamsIds };
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const one = new Stack(app, 'StackA');
    new JobWebhookReceiver(one, 'First', props);
    new JobWebhookReceiver(one, 'Second', props);
    const other = new Stack(app, 'StackB');
    new JobWebhookReceiver(other, 'First', props);
    const names = [one, other].flatMap((stack) => {
      const t = Template.fromStack(stack);
      return ['AWS::Chatbot::SlackChannelConfiguration', 'AWS::Chatbot::MicrosoftTeamsChannelConfiguration'].flatMap((type) =>
        Object.values(resourcesOf(t, type)).map((r) => r.Properties.ConfigurationName),
      );
    });
    expect(names).toHaveLength(6);
    for (const name of names) {
      expect(name).toEqual({ 'Fn::Join': ['-', expect.arrayContaining([expect.stringMatching(/^[A-Za-z0-9-]{1,100}$/), { Ref: 'AWS::Region' }])] });
      // Chatbot allows 128 characters; the longest region name has 14.
      const literal = (name as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1].filter((part): part is string => typeof part === 'string').join('-');
      expect(literal.length + 1 + 14).toBeLessThanOrEqual(128);
    }
    expect(new Set(names.map((n) => JSON.stringify(n))).size).toBe(6);
  });
});

describe('topic key policy', () => {
  const keyStatements = (t: Template) => (Object.values(resourcesOf(t, 'AWS::KMS::Key'))[0]?.Properties.KeyPolicy as { Statement: Statement[] }).Statement;

  it.each([
    ['the default stack', {}],
    ['e-mail, Slack and Teams configured', { alertEmails: 'ops@example.com', ...slackIds, ...teamsIds }],
  ])('lets only CloudWatch (alarms) of this account use the key as a service, in %s', (_name, context) => {
    const t = synth(context, { bundle: false }).template;
    const services = keyStatements(t)
      .filter((s) => s.Effect === 'Allow')
      .flatMap((s) => list((s.Principal as { Service?: unknown } | undefined)?.Service ?? []));
    expect(services).toEqual(['cloudwatch.amazonaws.com']);
    t.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          }),
        ]),
      },
    });
  });

  it('keeps the statement that denies grants not for AWS resources (Control Tower CT.KMS.PR.3)', () => {
    expect(
      keyStatements(plain)
        .filter((s) => s.Effect === 'Deny')
        .map((s) => s.Sid),
    ).toEqual(['DenyGrantsExceptForAwsResources']);
  });
});

describe('fan-out: alerts beside the systems messages', () => {
  const topic = (pattern: RegExp) => ({ Ref: idOf(plain, 'AWS::SNS::Topic', pattern) });
  const tableArn = () => ({ 'Fn::GetAtt': [idOf(plain, 'AWS::DynamoDB::Table', /Table/), 'Arn'] });

  it('has the alert settings in its environment, from configuration', () => {
    const t = synth({ alertStatuses: 'succeeded,failed', alertsPerWindow: '3', alertWindowMinutes: '15' }, { bundle: false }).template;
    const fn = resourcesOf(t, 'AWS::Lambda::Function')[functionId(t, 'fanout')];
    expect((fn?.Properties.Environment as { Variables: Record<string, unknown> }).Variables).toMatchObject({
      [envNames.jobAlertsTopicArn]: { Ref: idOf(t, 'AWS::SNS::Topic', /JobAlertsTopic/) },
      [envNames.alertStatuses]: 'succeeded,failed',
      [envNames.alertsPerWindow]: '3',
      [envNames.alertWindowSeconds]: '900',
    });
  });

  it('may publish to the succeeded, failed and job-alerts topics, and to no other', () => {
    const published = resourcesAllowed(plain, 'fanout', 'sns:Publish');
    expect(published).toHaveLength(3);
    expect(published).toEqual(expect.arrayContaining([topic(/SucceededTopic/), topic(/FailedTopic/), topic(/JobAlertsTopic/)]));
  });

  it('may get, put, update and query items of the table itself (ledger, alert windows, decisions, rate slots)', () => {
    for (const action of ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query']) {
      expect({ action, on: resourcesAllowed(plain, 'fanout', action) }).toEqual({ action, on: [tableArn()] });
    }
  });

  it('may encrypt for the topics with their key only', () => {
    const key = { 'Fn::GetAtt': [idOf(plain, 'AWS::KMS::Key', /TopicKey/), 'Arn'] };
    expect(resourcesAllowed(plain, 'fanout', 'kms:GenerateDataKey')).toEqual([key]);
    expect(resourcesAllowed(plain, 'fanout', 'kms:Decrypt')).toEqual([key]);
  });
});

describe('watchdog: digests of closed alert windows', () => {
  const watchdog = () => functionId(plain, 'watchdog');

  it('has the alert settings and the jobs command hint in its environment', () => {
    const fn = resourcesOf(plain, 'AWS::Lambda::Function')[watchdog()];
    expect((fn?.Properties.Environment as { Variables: Record<string, unknown> }).Variables).toMatchObject({
      [envNames.jobAlertsTopicArn]: { Ref: idOf(plain, 'AWS::SNS::Topic', /JobAlertsTopic/) },
      [envNames.alertStatuses]: 'failed,stalled',
      [envNames.alertsPerWindow]: '10',
      [envNames.alertWindowSeconds]: '600',
      [envNames.jobsCommandHint]: 'npm run --silent jobs -- --outputs outputs.json get',
    });
  });

  it('may publish to the job-alerts topic only, with its key', () => {
    expect(resourcesAllowed(plain, 'watchdog', 'sns:Publish')).toEqual([{ Ref: idOf(plain, 'AWS::SNS::Topic', /JobAlertsTopic/) }]);
    const key = { 'Fn::GetAtt': [idOf(plain, 'AWS::KMS::Key', /TopicKey/), 'Arn'] };
    expect(resourcesAllowed(plain, 'watchdog', 'kms:GenerateDataKey')).toEqual([key]);
    expect(resourcesAllowed(plain, 'watchdog', 'kms:Decrypt')).toEqual([key]);
  });

  it('may query, get, put and update items of the table (alert windows)', () => {
    const table = { 'Fn::GetAtt': [idOf(plain, 'AWS::DynamoDB::Table', /Table/), 'Arn'] };
    for (const action of ['dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']) {
      expect(resourcesAllowed(plain, 'watchdog', action)).toContainEqual(table);
    }
  });

  it('is invoked every minute with the flush-digests event, without retries', () => {
    plain.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      State: 'ENABLED',
      Targets: [
        {
          Arn: { 'Fn::GetAtt': [watchdog(), 'Arn'] },
          Id: Match.anyValue(),
          Input: JSON.stringify(flushDigestsEvent),
          RetryPolicy: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 },
        },
      ],
    });
    // The sweep keeps its own schedule, with no input (the function's default task).
    plain.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [watchdog(), 'Arn'] }, Input: Match.absent() })],
    });
    plain.resourceCountIs('AWS::Events::Rule', 2);
  });
});

describe('alert failures', () => {
  it('alarm to the alarm topic on the first AlertFailed of the fan-out or the watchdog in 5 minutes', () => {
    const alarmTopic = { Ref: idOf(plain, 'AWS::SNS::Topic', /AlarmTopic/) };
    const metric = (id: string, service: string) =>
      Match.objectLike({
        Id: id,
        MetricStat: {
          Metric: { Namespace: metricsNamespace, MetricName: metricNames.alertFailed, Dimensions: [{ Name: 'service', Value: service }] },
          Period: 300,
          Stat: 'Sum',
        },
        ReturnData: false,
      });
    plain.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 1,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [alarmTopic],
      OKActions: [alarmTopic],
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'FILL(fanout, 0) + FILL(watchdog, 0)', ReturnData: true }),
        metric('fanout', 'fanout'),
        metric('watchdog', 'watchdog'),
      ]),
    });
  });

  it('show on the dashboard with the alerts published, digested and digests published', () => {
    const [dashboard] = Object.values(resourcesOf(plain, 'AWS::CloudWatch::Dashboard'));
    const body = JSON.stringify(dashboard?.Properties.DashboardBody);
    for (const [name, service] of [
      [metricNames.alertPublished, 'fanout'],
      [metricNames.alertDigested, 'fanout'],
      [metricNames.digestPublished, 'fanout'],
      [metricNames.digestPublished, 'watchdog'],
      [metricNames.alertFailed, 'fanout'],
      [metricNames.alertFailed, 'watchdog'],
    ]) {
      expect(body).toContain(`\\"${metricsNamespace}\\",\\"${name}\\",\\"service\\",\\"${service}\\"`);
    }
  });
});
