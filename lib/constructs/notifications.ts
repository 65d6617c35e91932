import { Aws, Duration, Fn, Names, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { CfnMicrosoftTeamsChannelConfiguration, LoggingLevel, SlackChannelConfiguration } from 'aws-cdk-lib/aws-chatbot';
import { AnyPrincipal, Effect, ManagedPolicy, PolicyDocument, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

/** An AWS Chatbot channel configuration that exists already (created elsewhere): this construct creates none. */
export interface ExistingChatConfiguration {
  /** Its ARN, `arn:aws:chatbot::<account>:chat-configuration/<slack-channel|microsoft-teams-channel>/<name>`. */
  readonly existingConfigurationArn: string;
}

/** A Slack channel for which AWS Chatbot gets a new channel configuration. */
export interface NewSlackChannel {
  /** Chatbot Slack workspace id (e.g. T07ABCDEF12). */
  readonly workspaceId: string;
  /** Slack channel id (e.g. C07ABCDEF12). */
  readonly channelId: string;
}

/** A Microsoft Teams channel for which AWS Chatbot gets a new channel configuration. */
export interface NewTeamsChannel {
  /** Microsoft Entra tenant id (GUID). */
  readonly tenantId: string;
  /** Team id (GUID). */
  readonly teamId: string;
  /** Channel id (`19:…@thread.tacv2`). */
  readonly channelId: string;
}

/** Slack target for AWS Chatbot: a new channel configuration, or an existing one. */
export type SlackTarget = NewSlackChannel | ExistingChatConfiguration;
/** Microsoft Teams target for AWS Chatbot: a new channel configuration, or an existing one. */
export type TeamsTarget = NewTeamsChannel | ExistingChatConfiguration;

const isExisting = (target: SlackTarget | TeamsTarget): target is ExistingChatConfiguration => 'existingConfigurationArn' in target;

/** Props of {@link Notifications}. */
export interface NotificationsProps {
  /**
   * E-mail addresses subscribed to the job-alerts topic and the alarm topic (each must confirm once).
   * @default - no e-mail subscriptions
   */
  readonly alertEmails?: readonly string[];
  /**
   * Slack channel that gets the job-alerts topic and the alarm topic through AWS Chatbot.
   * @default - no Slack channel
   */
  readonly slack?: SlackTarget;
  /**
   * Microsoft Teams channel that gets the job-alerts topic and the alarm topic through AWS Chatbot.
   * @default - no Teams channel
   */
  readonly teams?: TeamsTarget;
}

/**
 * The outbound side, all topics encrypted with one customer-managed key: `succeeded` and `failed` for systems (every
 * notifiable event, subscribed by the systems themselves), `job alerts` for people (rate-limited alerts and digests,
 * with the e-mail, Slack and Teams subscriptions) and `alarms` for the stack's CloudWatch alarms.
 */
export class Notifications extends Construct {
  /** The key encrypting every topic. */
  public readonly key: Key;
  /** Terminal successes (systems). */
  public readonly succeededTopic: Topic;
  /** Terminal failures and stalled jobs (systems). */
  public readonly failedTopic: Topic;
  /** Alerts and digests for people (e-mail, Slack, Teams). */
  public readonly jobAlertsTopic: Topic;
  /** CloudWatch alarm notifications. */
  public readonly alarmTopic: Topic;
  /** The Chatbot Slack channel configuration, when this construct creates one. */
  public readonly slackChannel?: SlackChannelConfiguration;
  /** The Chatbot Microsoft Teams channel configuration, when this construct creates one. */
  public readonly teamsChannel?: CfnMicrosoftTeamsChannelConfiguration;
  /**
   * The role and guardrail (same read-only CloudWatch document) of the channel configurations this construct creates;
   * absent when it creates none.
   */
  public readonly chatbotPolicies?: { readonly role: Role; readonly guardrail: ManagedPolicy };
  /** Existing Chatbot configurations to which the job-alerts and alarm topics must be added by hand (README "Subscribing"). */
  public readonly existingChatConfigurationArns: readonly string[];

  constructor(scope: Construct, id: string, props: NotificationsProps = {}) {
    super(scope, id);
    const { account } = Stack.of(this);

    // A customer-managed key (not aws/sns): the AWS-managed SNS key's policy cannot be changed, so CloudWatch alarms
    // could not publish to the encrypted alarm topic.
    this.key = new Key(this, 'TopicKey', {
      description: 'Encrypts the job-notification, job-alert and alarm topics',
      enableKeyRotation: true,
      pendingWindow: Duration.days(30),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Only the service that publishes to a topic on its own needs the key: CloudWatch, for alarms. Our functions are
    // granted through their roles; SNS delivering to subscribers (Chatbot included) needs no key policy entry.
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudWatchAlarmsOfThisAccountToUseTheTopicKey',
        effect: Effect.ALLOW,
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
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
    this.jobAlertsTopic = topic('JobAlertsTopic', 'Job alerts');
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

    // People never subscribe to the systems topics: SNS deactivates an e-mail subscription above 10 messages a second,
    // which a burst of failures reaches; the job-alerts topic stays below that (lambda/contracts ALERT_DEFAULTS).
    const peopleTopics = [this.jobAlertsTopic, this.alarmTopic];
    for (const email of props.alertEmails ?? []) {
      for (const t of peopleTopics) t.addSubscription(new EmailSubscription(email));
    }

    const newSlack = props.slack && !isExisting(props.slack) ? props.slack : undefined;
    const newTeams = props.teams && !isExisting(props.teams) ? props.teams : undefined;
    this.existingChatConfigurationArns = [props.slack, props.teams].flatMap((t) => (t && isExisting(t) ? [t.existingConfigurationArn] : []));
    if (!newSlack && !newTeams) return;

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
      description: 'Guardrail of the AWS Chatbot channels: at most reading CloudWatch alarms and metrics',
      document: readAlarms(),
    });
    this.chatbotPolicies = { role, guardrail };
    // Chatbot configuration names are unique per account (Chatbot is a global service): the construct path (stack name
    // included, with a hash) and the region keep two stacks, two instances in one stack, or one stack in two regions
    // apart. At most 100 + 7 + 14 characters, within Chatbot's 128.
    const configurationName = (kind: string) =>
      Fn.join('-', [Names.uniqueResourceName(this, { maxLength: 100, separator: '-' }), ...(kind ? [kind] : []), Aws.REGION]);

    if (newSlack) {
      this.slackChannel = new SlackChannelConfiguration(this, 'SlackChannel', {
        // Unchanged from before Teams existed, so an existing deployment keeps its Slack configuration.
        slackChannelConfigurationName: configurationName(''),
        slackWorkspaceId: newSlack.workspaceId,
        slackChannelId: newSlack.channelId,
        notificationTopics: peopleTopics,
        role,
        guardrailPolicies: [guardrail],
        loggingLevel: LoggingLevel.ERROR,
      });
    }
    if (newTeams) {
      // No L2 construct for Teams: the L1 with the same role, guardrail, topics and logging as the Slack channel.
      this.teamsChannel = new CfnMicrosoftTeamsChannelConfiguration(this, 'TeamsChannel', {
        configurationName: configurationName('teams'),
        teamsTenantId: newTeams.tenantId,
        teamId: newTeams.teamId,
        teamsChannelId: newTeams.channelId,
        iamRoleArn: role.roleArn,
        guardrailPolicies: [guardrail.managedPolicyArn],
        snsTopicArns: peopleTopics.map((t) => t.topicArn),
        loggingLevel: LoggingLevel.ERROR,
      });
    }
  }
}
