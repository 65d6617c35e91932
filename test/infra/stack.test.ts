import { Match, type Template } from 'aws-cdk-lib/assertions';
import { envNames, metricNames } from '../../lambda/contracts';
import { fanoutFilterPattern } from '../../lambda/core/stream-filter';
import { tableSchema } from '../../lambda/contracts';
import { PANJAYA_DOCUMENTED_PUBLIC_KEY } from '../../lib/config';
import { panjaya } from '../../lambda/core/providers/panjaya';
import { outputNames } from '../../lambda/contracts';
import { APP_METRICS_NAMESPACE as metricsNamespace, resourcesOf, synth } from './synth';

// The default stack bundles both functions with esbuild once for this file; variants below skip bundling.
let template: Template;
beforeAll(() => {
  template = synth().template;
});

const ref = (logicalId: string) => ({ Ref: logicalId });
const logicalIdOf = (type: string, props: Record<string, unknown>): string => {
  const ids = Object.keys(template.findResources(type, { Properties: props }));
  if (ids.length !== 1) throw new Error(`expected one ${type} matching, found ${ids.length}`);
  return ids[0] as string;
};
const functionWithService = (service: string) =>
  logicalIdOf('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: service }) } });

describe('DynamoDB table', () => {
  it('has the shared key schema, on-demand billing and the stream', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: tableSchema.partitionKey, KeyType: 'HASH' },
        { AttributeName: tableSchema.sortKey, KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
    });
  });

  it('has point-in-time recovery, TTL on expiresAt, encryption and deletion protection', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: tableSchema.ttlAttribute, Enabled: true },
      // SSEEnabled without a key id = KMS with the AWS-managed aws/dynamodb key.
      SSESpecification: { SSEEnabled: true },
      DeletionProtectionEnabled: true,
    });
  });

  it('has the byStatus and pendingNotifications indexes from the shared schema, both KEYS_ONLY', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      GlobalSecondaryIndexes: Match.arrayWith([
        {
          IndexName: tableSchema.statusIndex.name,
          KeySchema: [
            { AttributeName: tableSchema.statusIndex.partitionKey, KeyType: 'HASH' },
            { AttributeName: tableSchema.statusIndex.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
        {
          IndexName: tableSchema.pendingIndex.name,
          KeySchema: [
            { AttributeName: tableSchema.pendingIndex.partitionKey, KeyType: 'HASH' },
            { AttributeName: tableSchema.pendingIndex.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
      ]),
    });
  });

  it('is retained on stack deletion by default', () => {
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  it('can be made disposable through configuration', () => {
    const disposable = synth({ removalPolicy: 'destroy', deletionProtection: 'false' }, { bundle: false }).template;
    disposable.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({ DeletionProtectionEnabled: false }),
    });
    disposable.hasResource('AWS::SecretsManager::Secret', { DeletionPolicy: 'Delete' });
  });
});

describe('functions', () => {
  it('are exactly the receiver, the fan-out and the watchdog, on Node.js 24, arm64, with JSON logs', () => {
    template.resourceCountIs('AWS::Lambda::Function', 3);
    for (const service of ['receiver', 'fanout', 'watchdog']) {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        LoggingConfig: Match.objectLike({ LogFormat: 'JSON' }),
        Environment: {
          Variables: Match.objectLike({
            POWERTOOLS_SERVICE_NAME: service,
            POWERTOOLS_METRICS_NAMESPACE: metricsNamespace,
            // Source maps off: the flag cost ~33 ms of cold init (npm run bench, bench/results.json coldInit).
            NODE_OPTIONS: Match.absent(),
          }),
        },
      });
    }
  });

  it('write to explicit log groups with retention', () => {
    const groups = resourcesOf(template, 'AWS::Logs::LogGroup');
    expect(Object.values(groups).every((g) => g.Properties.RetentionInDays === 30)).toBe(true);
    for (const service of ['receiver', 'fanout']) {
      const fn = resourcesOf(template, 'AWS::Lambda::Function')[functionWithService(service)];
      const logGroup = (fn?.Properties.LoggingConfig as { LogGroup?: { Ref?: string } }).LogGroup?.Ref;
      expect(logGroup && groups[logGroup]).toBeTruthy();
    }
  });

  it('take log retention from configuration', () => {
    synth({ logRetentionDays: 14 }, { bundle: false }).template.allResourcesProperties('AWS::Logs::LogGroup', {
      RetentionInDays: 14,
    });
  });

  it('give the receiver its environment, with the documented Panjaya key by default', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      MemorySize: 512,
      Timeout: 10,
      Environment: {
        Variables: Match.objectLike({
          [envNames.tableName]: { Ref: Match.stringLikeRegexp('Table') },
          // {"contentor": <ARN>}: every built-in and configured provider's secret by name.
          [envNames.providerSecretArns]: { 'Fn::Join': ['', ['{"contentor":"', { Ref: Match.stringLikeRegexp('ContentorSecret') }, '"}']] },
          [panjaya.trust.kind === 'public-keys' ? panjaya.trust.envName : '']: PANJAYA_DOCUMENTED_PUBLIC_KEY,
          [envNames.eventRetentionDays]: '90',
          [envNames.maxBodyBytes]: '262144',
          [envNames.secretCacheTtlSeconds]: '60',
        }),
      },
    });
  });

  it('give the fan-out its environment', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      MemorySize: 256,
      Timeout: 30,
      Environment: {
        Variables: Match.objectLike({
          [envNames.tableName]: { Ref: Match.stringLikeRegexp('Table') },
          [envNames.succeededTopicArn]: { Ref: Match.stringLikeRegexp('SucceededTopic') },
          [envNames.failedTopicArn]: { Ref: Match.stringLikeRegexp('FailedTopic') },
          [envNames.jobAlertsTopicArn]: { Ref: Match.stringLikeRegexp('JobAlertsTopic') },
          [envNames.alertStatuses]: 'failed,stalled',
          [envNames.alertsPerWindow]: '10',
          [envNames.alertWindowSeconds]: '600',
          [envNames.jobsCommandHint]: 'npm run --silent jobs -- --outputs outputs.json get',
        }),
      },
    });
  });

  it('never put a Contentor secret value in the environment', () => {
    for (const fn of Object.values(resourcesOf(template, 'AWS::Lambda::Function'))) {
      const vars = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(vars).not.toHaveProperty('CONTENTOR_WEBHOOK_SECRETS');
      expect(vars).not.toHaveProperty(envNames.providerSecrets);
    }
  });
});

describe('HTTP API', () => {
  it('routes POST /webhooks/{provider} to the receiver with payload format 2.0', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Route', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'POST /webhooks/{provider}' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
      IntegrationUri: { 'Fn::GetAtt': [functionWithService('receiver'), 'Arn'] },
    });
  });

  it('has no CORS and no authorizer', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP', CorsConfiguration: Match.absent() });
    template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 0);
  });

  it('throttles the default stage and writes JSON access logs to a retained log group', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      AccessLogSettings: {
        // The log group ARN without the ":*" of its Arn attribute, as API Gateway stores it (no drift).
        DestinationArn: {
          'Fn::Join': [
            '',
            [
              'arn:',
              { Ref: 'AWS::Partition' },
              ':logs:',
              { Ref: 'AWS::Region' },
              ':',
              { Ref: 'AWS::AccountId' },
              ':log-group:',
              { Ref: Match.stringLikeRegexp('AccessLogs') },
            ],
          ],
        },
        Format: Match.serializedJson(Match.objectLike({ requestId: '$context.requestId', status: '$context.status' })),
      },
    });
  });

  it('takes throttling from configuration', () => {
    synth({ throttleRateLimit: 5, throttleBurstLimit: 7 }, { bundle: false }).template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 5, ThrottlingBurstLimit: 7 },
    });
  });
});

describe('fan-out event source', () => {
  it('filters with the shared pattern and reports partial batch failures', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: ref(functionWithService('fanout')),
      EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('Table'), 'StreamArn'] },
      StartingPosition: 'TRIM_HORIZON',
      FilterCriteria: { Filters: [{ Pattern: JSON.stringify(fanoutFilterPattern) }] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('bisects, bounds retries and record age, and keeps batches small', () => {
    const [mapping] = Object.values(resourcesOf(template, 'AWS::Lambda::EventSourceMapping'));
    expect(mapping?.Properties).toMatchObject({ BisectBatchOnFunctionError: true, BatchSize: 10 });
    expect(mapping?.Properties.MaximumRetryAttempts).toBeGreaterThan(0);
    expect(mapping?.Properties.MaximumRetryAttempts).toBeLessThanOrEqual(10);
    expect(mapping?.Properties.MaximumRecordAgeInSeconds).toBeLessThanOrEqual(24 * 3600);
  });

  it('sends failures to an encrypted, TLS-only queue kept 14 days', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('DeadLetterQueue'), 'Arn'] } } },
    });
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      },
    });
  });
});

describe('notifications', () => {
  it('has four topics (succeeded, failed, job alerts, alarms) encrypted with one rotating customer-managed key', () => {
    template.resourceCountIs('AWS::SNS::Topic', 4);
    template.hasResourceProperties('AWS::SNS::Topic', { DisplayName: 'Job alerts' });
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.allResourcesProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [logicalIdOf('AWS::KMS::Key', {}), 'Arn'] },
    });
  });

  it('enforces TLS on every topic', () => {
    template.resourceCountIs('AWS::SNS::TopicPolicy', 4);
    template.allResourcesProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      },
    });
  });

  it('lets CloudWatch alarms publish to the alarm topic', () => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish' })]),
      },
    });
  });

  it('has no subscriptions and no Slack channel without configuration', () => {
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    template.resourceCountIs('AWS::Chatbot::SlackChannelConfiguration', 0);
  });

  it('lets no one but AWS services create grants on the topic key (Control Tower CT.KMS.PR.3)', () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 'kms:CreateGrant',
            Resource: '*',
            Condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
          }),
        ]),
      },
    });
  });
});

describe('Contentor secret', () => {
  it('is generated, never given in the template, and retained by default', () => {
    template.hasResource('AWS::SecretsManager::Secret', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        GenerateSecretString: Match.objectLike({ ExcludePunctuation: true }),
        SecretString: Match.absent(),
      }),
    });
  });

  it('is readable by the receiver only', () => {
    const readers = Object.values(resourcesOf(template, 'AWS::IAM::Policy')).filter((p) =>
      JSON.stringify(p.Properties.PolicyDocument).includes('secretsmanager:'),
    );
    expect(readers).toHaveLength(1);
    const receiver = resourcesOf(template, 'AWS::Lambda::Function')[functionWithService('receiver')];
    const [receiverRole] = (receiver?.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'];
    expect(readers[0]?.Properties.Roles).toEqual([{ Ref: receiverRole }]);
  });
});

describe('alarms and dashboard', () => {
  const alarmCases: Array<[string, Record<string, unknown>]> = [
    ['receiver errors', { Namespace: 'AWS/Lambda', MetricName: 'Errors', Dimensions: [{ Name: 'FunctionName', Value: ref('__receiver') }] }],
    ['fan-out errors', { Namespace: 'AWS/Lambda', MetricName: 'Errors', Dimensions: [{ Name: 'FunctionName', Value: ref('__fanout') }] }],
    ['API 5xx', { Namespace: 'AWS/ApiGateway', MetricName: '5xx' }],
    ['rejected signature spike', { Namespace: metricsNamespace, MetricName: metricNames.rejected, Dimensions: [{ Name: 'service', Value: 'receiver' }] }],
    ['dead letters', { Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible' }],
    ['stream iterator age', { Namespace: 'AWS/Lambda', MetricName: 'IteratorAge', Dimensions: [{ Name: 'FunctionName', Value: ref('__fanout') }] }],
  ];

  it.each(alarmCases)('alarm on %s notifies the alarm topic', (_name, metric) => {
    const resolved = JSON.parse(
      JSON.stringify(metric)
        .replace('"__receiver"', JSON.stringify(functionWithService('receiver')))
        .replace('"__fanout"', JSON.stringify(functionWithService('fanout'))),
    ) as Record<string, unknown>;
    const alarmTopic = { Ref: Match.stringLikeRegexp('AlarmTopic') };
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ...resolved,
      AlarmActions: [alarmTopic],
      TreatMissingData: 'notBreaching',
    });
  });

  it('has nine alarms (eight in monitoring, with the parked-notification and alert-failure ones; the watchdog sweep alarm in its own construct)', () => {
    template.resourceCountIs('AWS::CloudWatch::Alarm', 9);
  });

  it('shows the webhook counts and every alarm on one dashboard', () => {
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    const [dashboard] = Object.values(resourcesOf(template, 'AWS::CloudWatch::Dashboard'));
    const body = JSON.stringify(dashboard?.Properties.DashboardBody);
    for (const name of [metricNames.received, metricNames.accepted, metricNames.duplicate, metricNames.rejected]) {
      expect(body).toContain(`\\"${metricsNamespace}\\",\\"${name}\\",\\"service\\",\\"receiver\\"`);
    }
    for (const alarmId of Object.keys(resourcesOf(template, 'AWS::CloudWatch::Alarm'))) {
      expect(body).toContain(alarmId);
    }
  });
});

describe('outputs (contract)', () => {
  it('exposes ApiUrl without a trailing slash and the other contract outputs', () => {
    template.hasOutput(outputNames.apiUrl, { Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('HttpApi'), 'ApiEndpoint'] } });
    template.hasOutput(outputNames.tableName, { Value: { Ref: Match.stringLikeRegexp('Table') } });
    template.hasOutput(outputNames.succeededTopicArn, { Value: { Ref: Match.stringLikeRegexp('SucceededTopic') } });
    template.hasOutput(outputNames.failedTopicArn, { Value: { Ref: Match.stringLikeRegexp('FailedTopic') } });
    template.hasOutput(outputNames.jobAlertsTopicArn, { Value: { Ref: Match.stringLikeRegexp('JobAlertsTopic') } });
    template.hasOutput('ContentorSecretArn', { Value: { Ref: Match.stringLikeRegexp('ContentorSecret') } });
    template.hasOutput(outputNames.alarmTopicArn, { Value: { Ref: Match.stringLikeRegexp('AlarmTopic') } });
    template.hasOutput(outputNames.deadLetterQueueUrl, { Value: { Ref: Match.stringLikeRegexp('DeadLetter|Dlq|FailureQueue|Queue') } });
    template.hasOutput(outputNames.providerSecretArns, {
      Value: { 'Fn::Join': ['', ['{"contentor":"', { Ref: Match.stringLikeRegexp('ContentorSecret') }, '"}']] },
    });
    // Contentor's own output is its module's (lambda/core/providers/contentor.ts, trust.outputName).
    expect(Object.keys(template.toJSON().Outputs as object).sort()).toEqual([...Object.values(outputNames), 'ContentorSecretArn'].sort());
  });
});
