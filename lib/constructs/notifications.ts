import { Aws, Duration, Fn, Names, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { SlackChannelConfiguration, LoggingLevel } from 'aws-cdk-lib/aws-chatbot';
import { AnyPrincipal, Effect, ManagedPolicy, PolicyDocument, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

/** Slack target for AWS Chatbot. */
export interface SlackTarget {
  /** Chatbot Slack workspace id (e.g. T07ABCDEF12). */
  readonly workspaceId: string;
  /** Slack channel id (e.g. C07ABCDEF12). */
  readonly channelId: string;
}

/** Props of {@link Notifications}. */
export interface NotificationsProps {
  /**
   * E-mail addresses subscribed to the failed-jobs topic and the alarm topic (each must confirm once).
   * @default - no e-mail subscriptions
   */
  readonly alertEmails?: readonly string[];
  /**
   * Slack channel that gets the failed-jobs topic and the alarm topic through AWS Chatbot.
   * @default - no Slack channel
   */
  readonly slack?: SlackTarget;
}

/**
 * The outbound side: topics `succeeded`, `failed` and `alarms`, all encrypted with one customer-managed key, plus the
 * e-mail and Slack subscriptions for people. Systems subscribe themselves (SQS, Lambda, HTTPS) to the topic ARNs.
 */
export class Notifications extends Construct {
  /** The key encrypting all three topics. */
  public readonly key: Key;
  /** Terminal successes. */
  public readonly succeededTopic: Topic;
  /** Terminal failures and stalled jobs. */
  public readonly failedTopic: Topic;
  /** CloudWatch alarm notifications. */
  public readonly alarmTopic: Topic;
  /** The Chatbot channel configuration, when Slack is configured. */
  public readonly slackChannel?: SlackChannelConfiguration;
  /** The Chatbot channel's role and its guardrail (same read-only CloudWatch document), when Slack is configured. */
  public readonly chatbotPolicies?: { readonly role: Role; readonly guardrail: ManagedPolicy };

  constructor(scope: Construct, id: string, props: NotificationsProps = {}) {
    super(scope, id);
    const { account } = Stack.of(this);

    // A customer-managed key (not aws/sns): the AWS-managed SNS key's policy cannot be changed, so CloudWatch alarms
    // could not publish to the alarm topic and AWS services could not deliver through it.
    this.key = new Key(this, 'TopicKey', {
      description: 'Encrypts the job-notification and alarm topics',
      enableKeyRotation: true,
      pendingWindow: Duration.days(30),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Services that publish to or deliver from the topics use the key on the account's behalf; scoped to this account.
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowAwsServicesOfThisAccountToUseTheTopicKey',
        effect: Effect.ALLOW,
        principals: [
          new ServicePrincipal('cloudwatch.amazonaws.com'),
          new ServicePrincipal('sns.amazonaws.com'),
          new ServicePrincipal('chatbot.amazonaws.com'),
        ],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        // In a key policy "*" means this key.
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': account } },
      }),
    );

    // Control Tower CT.KMS.PR.3: grants on this key only for AWS resources or from AWS services. Nothing here creates
    // grants (SNS and CloudWatch use the key directly); this denies anyone else, the account root included.
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'DenyGrantsExceptForAwsResources',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: ['kms:CreateGrant'],
        resources: ['*'],
        conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
      }),
    );

    const topic = (topicId: string, displayName: string) => new Topic(this, topicId, { displayName, masterKey: this.key, enforceSSL: true });
    this.succeededTopic = topic('SucceededTopic', 'Job succeeded');
    this.failedTopic = topic('FailedTopic', 'Job failed');
    this.alarmTopic = topic('AlarmTopic', 'Webhook receiver alarm');

    // enforceSSL gives the alarm topic a resource policy; CloudWatch alarms of this account must be allowed in it.
    this.alarmTopic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudWatchAlarmsOfThisAccount',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.alarmTopic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': account } },
      }),
    );

    const peopleTopics = [this.failedTopic, this.alarmTopic];
    for (const email of props.alertEmails ?? []) {
      for (const t of peopleTopics) t.addSubscription(new EmailSubscription(email));
    }

    if (props.slack) {
      // What AWS Chatbot reads to render an alarm notification (its "Notification permissions" policy template, with
      // the Describe*/Get*/List* wildcards spelled out as the actions they cover for alarms and metrics). The same
      // document is the channel guardrail, so nobody in the channel can ever do more through it.
      const readAlarms = () =>
        new PolicyDocument({
          statements: [
            new PolicyStatement({
              sid: 'ReadAlarmsOfThisAccountAndRegion',
              actions: ['cloudwatch:DescribeAlarms', 'cloudwatch:DescribeAlarmHistory', 'cloudwatch:DescribeAlarmsForMetric'],
              resources: [`arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:*`],
            }),
            new PolicyStatement({
              sid: 'ReadMetricsForAlarmCharts',
              // No resource-level permissions for these (Service Authorization Reference): "*" is the only form.
              actions: ['cloudwatch:GetMetricData', 'cloudwatch:GetMetricStatistics', 'cloudwatch:GetMetricWidgetImage', 'cloudwatch:ListMetrics'],
              resources: ['*'],
            }),
          ],
        });
      const role = new Role(this, 'ChatbotRole', {
        assumedBy: new ServicePrincipal('chatbot.amazonaws.com'),
        description: 'AWS Chatbot channel role: reads CloudWatch alarms and metrics to render alarm notifications',
        inlinePolicies: { ReadAlarmsForNotifications: readAlarms() },
      });
      const guardrail = new ManagedPolicy(this, 'ChatbotGuardrail', {
        description: 'Guardrail of the AWS Chatbot channel: at most reading CloudWatch alarms and metrics',
        document: readAlarms(),
      });
      this.chatbotPolicies = { role, guardrail };
      this.slackChannel = new SlackChannelConfiguration(this, 'SlackChannel', {
        // Chatbot configuration names are unique per account (Chatbot is a global service): the construct path
        // (stack name included, with a hash) and the region keep two stacks, or one stack in two regions, apart.
        slackChannelConfigurationName: Fn.join('-', [Names.uniqueResourceName(this, { maxLength: 100, separator: '-' }), Aws.REGION]),
        slackWorkspaceId: props.slack.workspaceId,
        slackChannelId: props.slack.channelId,
        notificationTopics: peopleTopics,
        role,
        guardrailPolicies: [guardrail],
        loggingLevel: LoggingLevel.ERROR,
      });
    }
  }
}
