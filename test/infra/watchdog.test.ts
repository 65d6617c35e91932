import { Match, type Template } from 'aws-cdk-lib/assertions';
import { envNames } from '../../lambda/contracts';
import { parseStallDeadlines, serialiseStallDeadlines } from '../../lambda/core/watchdog';
import { tableSchema } from '../../lambda/contracts';
import { ConfigError, parseDeployConfig } from '../../lib/config';
import { resourcesOf, synth } from './synth';

// The watchdog is checked without bundling: the bundle itself is exercised by the stack test's default stack.
let template: Template;
beforeAll(() => {
  template = synth({}, { bundle: false }).template;
});

type Statement = { Sid?: string; Action: string | string[]; Resource: unknown };

function watchdogFunctionId(t: Template): string {
  const ids = Object.keys(
    t.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'watchdog' }) } } }),
  );
  if (ids.length !== 1) throw new Error(`expected one watchdog function, found ${ids.length}`);
  return ids[0] as string;
}

/** Statements of the policies attached to the watchdog function's role. */
function watchdogStatements(t: Template): Statement[] {
  const fn = resourcesOf(t, 'AWS::Lambda::Function')[watchdogFunctionId(t)];
  const roleId = (fn?.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  return Object.values(resourcesOf(t, 'AWS::IAM::Policy'))
    .filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap((p) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}

const tableId = () => Object.keys(template.findResources('AWS::DynamoDB::Table'))[0] ?? '';

describe('watchdog infrastructure', () => {
  it('runs a function with the resolved deadlines, table and retention in its environment', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      MemorySize: 256,
      Timeout: 60,
      Environment: {
        Variables: Match.objectLike({
          POWERTOOLS_SERVICE_NAME: 'watchdog',
          [envNames.tableName]: { Ref: tableId() },
          [envNames.stallDeadlines]: serialiseStallDeadlines(parseStallDeadlines(undefined)),
          [envNames.eventRetentionDays]: '90',
        }),
      },
    });
  });

  it('is invoked every 5 minutes by default, without retries, and at the configured interval', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      State: 'ENABLED',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [watchdogFunctionId(template), 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 300 },
        }),
      ],
    });
    template.hasResourceProperties('AWS::Lambda::Permission', { Action: 'lambda:InvokeFunction', Principal: 'events.amazonaws.com' });
    const custom = synth(
      { watchdogIntervalMinutes: '15', stallDeadlines: '{"contentor":{"processing":"3h"},"panjaya":{"version_ready":"off"}}' },
      { bundle: false },
    ).template;
    custom.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(15 minutes)' });
    const fn = resourcesOf(custom, 'AWS::Lambda::Function')[watchdogFunctionId(custom)];
    const env = (fn?.Properties.Environment as { Variables: Record<string, string> }).Variables;
    expect(JSON.parse(env[envNames.stallDeadlines] ?? '{}')).toEqual({
      contentor: { downloading: 120, processing: 180, uploading: 120 },
      panjaya: { version_generating: 180, version_ready: null },
    });
  });

  it('may only Query the byStatus index, read states back and put/update items in the table, and flush alert digests', () => {
    const table = tableId();
    const alertsTopic = Object.keys(template.findResources('AWS::SNS::Topic')).find((id) => /JobAlertsTopic/.test(id));
    const key = Object.keys(template.findResources('AWS::KMS::Key'))[0];
    expect(watchdogStatements(template).filter((s) => s.Sid !== undefined)).toEqual([
      {
        Sid: 'FindOverdueJobs',
        Effect: 'Allow',
        Action: 'dynamodb:Query',
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [table, 'Arn'] }, `/index/${tableSchema.statusIndex.name}`]] },
      },
      { Sid: 'ReadOverdueStates', Effect: 'Allow', Action: 'dynamodb:BatchGetItem', Resource: { 'Fn::GetAtt': [table, 'Arn'] } },
      { Sid: 'WriteStalls', Effect: 'Allow', Action: ['dynamodb:PutItem', 'dynamodb:UpdateItem'], Resource: { 'Fn::GetAtt': [table, 'Arn'] } },
      {
        Sid: 'FlushAlertDigests',
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
        Resource: { 'Fn::GetAtt': [table, 'Arn'] },
      },
      { Sid: 'PublishDigests', Effect: 'Allow', Action: 'sns:Publish', Resource: { Ref: alertsTopic } },
      { Sid: 'EncryptForAlertsTopic', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: { 'Fn::GetAtt': [key, 'Arn'] } },
    ]);
    const actions = watchdogStatements(template).flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
    expect([...new Set(actions.filter((a) => !a.startsWith('logs:')))].sort()).toEqual([
      'dynamodb:BatchGetItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
      'kms:Decrypt',
      'kms:GenerateDataKey',
      'sns:Publish',
    ]);
  });

  it('alarms to the alarm topic when a sweep fails', () => {
    const alarms = resourcesOf(template, 'AWS::CloudWatch::Alarm');
    const sweep = Object.values(alarms).filter((a) => JSON.stringify(a.Properties.Dimensions ?? []).includes(watchdogFunctionId(template)));
    expect(sweep).toHaveLength(1);
    expect(sweep[0]?.Properties).toMatchObject({
      MetricName: 'Errors',
      Namespace: 'AWS/Lambda',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
    const alarmTopic = Object.keys(template.findResources('AWS::SNS::Topic')).find((id) => /Alarm/.test(id));
    expect(sweep[0]?.Properties.AlarmActions).toEqual([{ Ref: alarmTopic }]);
  });
});

describe('watchdog configuration', () => {
  it('rejects a deadline for a terminal status, naming the entry', () => {
    expect(() => parseDeployConfig({ stallDeadlines: { contentor: { completed: '2h' } } })).toThrow(ConfigError);
    expect(() => parseDeployConfig({ stallDeadlines: { contentor: { completed: '2h' } } })).toThrow(
      /stallDeadlines\.contentor\.completed: .*not a waiting status/,
    );
  });

  it('rejects a bad duration and an interval out of range', () => {
    expect(() => parseDeployConfig({ stallDeadlines: '{"panjaya":{"version_generating":"soon"}}' })).toThrow(
      /stallDeadlines\.panjaya\.version_generating: "soon" is not a duration/,
    );
    expect(() => parseDeployConfig({ watchdogIntervalMinutes: 0 })).toThrow(/watchdogIntervalMinutes must be positive/);
    expect(() => parseDeployConfig({ watchdogIntervalMinutes: 2000 })).toThrow(/at most 1440/);
  });
});
