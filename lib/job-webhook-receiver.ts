import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type { FanoutEnvInput } from '../lambda/config/fanout-env';
import { builtInTrustEnv } from '../lambda/config/provider-env';
import type { ReceiverEnvInput } from '../lambda/config/receiver-env';
import { builtInProviders } from '../lambda/core/providers';
import { envNames, JOBS_COMMAND_HINTS } from '../lambda/contracts';
import type { AlertableStatus } from '../lambda/core/alerts';
import { acknowledgeFindings } from './policy-acknowledgements';
import { deployedPublicKeys, parseDeployConfig, type DeployConfig, type LogRetentionDays } from './config';
import { WebhookSecret } from './constructs/webhook-secret';
import { FanoutSource } from './constructs/fanout-source';
import { functionMemoryMb, WebhookFunction } from './constructs/functions';
import { WebhookHttpApi } from './constructs/http-api';
import { Monitoring } from './constructs/monitoring';
import { Notifications, type SlackTarget, type TeamsTarget } from './constructs/notifications';
import { WebhookTable } from './constructs/table';
import { metricsNamespaceOf } from './metrics-namespace';
import { Watchdog } from './constructs/watchdog';
import type { StallDeadlinesInput } from '../lambda/core/watchdog';

/** `service` dimension / POWERTOOLS_SERVICE_NAME of each function. */
export const serviceNames = { receiver: 'receiver', fanout: 'fanout', watchdog: 'watchdog' } as const;

/**
 * Props of {@link JobWebhookReceiver}. Validated by the same zod schema as the app's context (lib/config.ts), so a
 * bad value fails synth with a message naming the prop.
 */
export interface JobWebhookReceiverProps {
  /**
   * E-mail addresses subscribed to the job-alerts and alarm topics (never to the systems topics: SNS switches an
   * e-mail subscription off above 10 messages a second).
   * @default - none
   */
  readonly alertEmails?: readonly string[];
  /**
   * AWS Chatbot Slack workspace id; with `slackChannelId`, a new Chatbot channel configuration gets job alerts and
   * alarms. Not together with `slackChannelConfigurationArn`.
   * @default - no Slack
   */
  readonly slackWorkspaceId?: string;
  /**
   * Slack channel id (set together with `slackWorkspaceId`).
   * @default - no Slack
   */
  readonly slackChannelId?: string;
  /**
   * ARN of an existing AWS Chatbot Slack channel configuration (`arn:aws:chatbot::<account>:chat-configuration/slack-channel/<name>`):
   * the construct creates none; add the job-alerts and alarm topics to it (README "Subscribing").
   * @default - none
   */
  readonly slackChannelConfigurationArn?: string;
  /**
   * Microsoft Teams tenant id (GUID); with `teamsTeamId` and `teamsChannelId`, a new Chatbot channel configuration gets
   * job alerts and alarms. Not together with `teamsChannelConfigurationArn`.
   * @default - no Teams
   */
  readonly teamsTenantId?: string;
  /**
   * Microsoft Teams team id (GUID), with `teamsTenantId` and `teamsChannelId`.
   * @default - no Teams
   */
  readonly teamsTeamId?: string;
  /**
   * Microsoft Teams channel id (`19:…@thread.tacv2`, or URL-encoded), with `teamsTenantId` and `teamsTeamId`.
   * @default - no Teams
   */
  readonly teamsChannelId?: string;
  /**
   * ARN of an existing AWS Chatbot Microsoft Teams channel configuration
   * (`arn:aws:chatbot::<account>:chat-configuration/microsoft-teams-channel/<name>`): the construct creates none.
   * @default - none
   */
  readonly teamsChannelConfigurationArn?: string;
  /**
   * Normalised statuses that alert people on the job-alerts topic: any of `succeeded`, `failed`, `stalled` (a list, or
   * a comma-separated string).
   * @default ['failed', 'stalled']
   */
  readonly alertStatuses?: string | readonly AlertableStatus[];
  /**
   * Individual alerts per alert window; past it, the window's further alerts go into one digest when it closes.
   * @default 10
   */
  readonly alertsPerWindow?: number;
  /**
   * Length of an alert window in minutes (1-1440).
   * @default 10
   */
  readonly alertWindowMinutes?: number;
  /**
   * Trusted Panjaya public keys (EC P-256), several during rotation: PEM blocks, or base64 SPKI bodies
   * (comma-separated in one string, or one per entry).
   * @default - the key published in Panjaya's callback documentation (when `panjayaPublicKeysFile` is not given either)
   */
  readonly panjayaPublicKeys?: string | readonly string[];
  /**
   * A file of concatenated PEM public keys (relative to the working directory at synth); its keys are trusted beside
   * `panjayaPublicKeys`.
   * @default - none
   */
  readonly panjayaPublicKeysFile?: string;
  /**
   * Seconds within which an identical body is a provider retry (a duplicate) even if the job moved on; 0 = off. Panjaya,
   * and configured providers whose events carry no id.
   * @default 600
   */
  readonly retryWindowSeconds?: number;
  /**
   * @deprecated the former name of `retryWindowSeconds` (still accepted, not together with it).
   */
  readonly panjayaRetryWindowSeconds?: number;
  /**
   * Providers declared by configuration (README "Adding a provider by configuration"): route name → label, signature
   * scheme, JSON Pointers and status map; an object, or its JSON text. Each gets its route and its own secret.
   * @default - none
   */
  readonly providers?: string | Readonly<Record<string, unknown>>;
  /**
   * Days an event item is kept before TTL removes it.
   * @default 90
   */
  readonly eventRetentionDays?: number;
  /**
   * Removal policy of the table, the secret and the log groups.
   * @default 'retain'
   */
  readonly removalPolicy?: 'retain' | 'destroy';
  /**
   * DynamoDB deletion protection.
   * @default true
   */
  readonly deletionProtection?: boolean;
  /**
   * API steady-state requests per second.
   * @default 50
   */
  readonly throttleRateLimit?: number;
  /**
   * API burst.
   * @default 100
   */
  readonly throttleBurstLimit?: number;
  /**
   * Log retention (a CloudWatch Logs value).
   * @default 30
   */
  readonly logRetentionDays?: LogRetentionDays;
  /**
   * Largest accepted body in bytes.
   * @default 262144
   */
  readonly maxBodyBytes?: number;
  /**
   * Receiver's cache time for the Contentor secret.
   * @default 60
   */
  readonly secretCacheTtlSeconds?: number;
  /**
   * Days a refused (401/400) delivery stays in the quarantine for `npm run replay`.
   * @default 14
   */
  readonly quarantineRetentionDays?: number;
  /**
   * Refused deliveries kept per provider route and hour (past it only counted); 0 turns the quarantine off.
   * @default 100
   */
  readonly quarantineHourlyCap?: number;
  /**
   * Stalled-job deadlines per provider status, merged over the defaults (Contentor downloading/processing/uploading
   * 2 h, Panjaya version_generating 3 h, version_ready 48 h); a duration such as "90m"/"2h"/"2d", minutes, or "off".
   * An object by provider, or its JSON text.
   * @default - the defaults above
   */
  readonly stallDeadlines?: StallDeadlinesInput;
  /**
   * Minutes between watchdog sweeps.
   * @default 5
   */
  readonly watchdogIntervalMinutes?: number;
  /**
   * How notifications tell readers to look a job up.
   * @default 'npm run --silent jobs -- --outputs outputs.json get' (run in a checkout of this repo, with the deploy's outputs file)
   */
  readonly jobsCommandHint?: string;
  /**
   * Attach this construct's accepted cdk-nag and Control Tower findings, each with its reason
   * (lib/policy-acknowledgements.ts). Turn off only to review every finding they cover, or to manage them yourself.
   * @default true
   */
  readonly acknowledgePolicyFindings?: boolean;
}

/**
 * The whole product as one construct: HTTP API → receiver → table → stream → fan-out → topics, with the Contentor
 * secret, alarms and a dashboard. Drop it into any stack; `JobWebhookReceiverStack` is the ready-made one.
 */
export class JobWebhookReceiver extends Construct {
  /** Validated configuration with defaults filled in. */
  public readonly config: DeployConfig;
  /** CloudWatch namespace of this instance's metrics: `JobWebhookReceiver/<stack name>/<construct path>`. */
  public readonly metricsNamespace: string;
  /** Event log and job state. */
  public readonly table: Table;
  /** Receiver function (behind the API). */
  public readonly receiver: LambdaFunction;
  /** Fan-out function (on the table stream). */
  public readonly fanout: LambdaFunction;
  /** The HTTP API. */
  public readonly api: HttpApi;
  /** API base URL without trailing slash. */
  public readonly apiUrl: string;
  /** One secret per provider with shared secrets, built-in (`contentor`) or configured, by route name. */
  public readonly providerSecrets: Readonly<Record<string, Secret>>;
  /** Topic for terminal successes. */
  public readonly succeededTopic: Topic;
  /** Topic for terminal failures and stalled jobs. */
  public readonly failedTopic: Topic;
  /** Topic for people: rate-limited alerts (failed and stalled jobs by default) and digests. */
  public readonly jobAlertsTopic: Topic;
  /** Topic for alarms. */
  public readonly alarmTopic: Topic;
  /** Fan-out's on-failure queue. */
  public readonly deadLetterQueue: Queue;
  /** The building blocks, for callers that need more than the shortcuts above. */
  public readonly parts: {
    readonly table: WebhookTable;
    readonly receiver: WebhookFunction;
    readonly fanout: WebhookFunction;
    readonly httpApi: WebhookHttpApi;
    readonly notifications: Notifications;
    readonly fanoutSource: FanoutSource;
    readonly monitoring: Monitoring;
    readonly watchdog: Watchdog;
  };

  constructor(scope: Construct, id: string, props: JobWebhookReceiverProps = {}) {
    super(scope, id);
    const { jobsCommandHint = JOBS_COMMAND_HINTS.deployed, acknowledgePolicyFindings = true, ...configInput } = props;
    const config = parseDeployConfig(configInput);
    this.config = config;
    const metricsNamespace = metricsNamespaceOf(this);
    this.metricsNamespace = metricsNamespace;
    const removalPolicy = config.removalPolicy === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
    const logRetention = config.logRetentionDays as RetentionDays;

    const table = new WebhookTable(this, 'Store', { removalPolicy, deletionProtection: config.deletionProtection });
    // One secret per provider that signs with shared secrets, built-in or configured (never in the template or the
    // environment; the ARNs are). A built-in's construct id is `<Name>Secret` (`ContentorSecret`, as it always was).
    const providerSecrets: Record<string, Secret> = {};
    for (const module of builtInProviders) {
      if (module.trust.kind !== 'secrets') continue;
      const id = `${module.name.charAt(0).toUpperCase()}${module.name.slice(1)}Secret`;
      providerSecrets[module.name] = new WebhookSecret(this, id, { providerLabel: module.label, removalPolicy }).secret;
    }
    for (const [name, provider] of Object.entries(config.providers)) {
      providerSecrets[name] = new WebhookSecret(this, `ProviderSecret-${name}`, {
        providerLabel: provider.label,
        valueHint: provider.signature.scheme === 'standard-webhooks' ? 'the whsec_… signing secret' : undefined,
        removalPolicy,
      }).secret;
    }
    const secretArns = Object.values(providerSecrets).map((s) => s.secretArn);
    const configured = Object.keys(config.providers).length > 0;
    // Only when there are any, so the functions' environment (and their 4 KB budget) stays as before otherwise.
    const providersEnv: Record<string, string> = configured ? { [envNames.providers]: Stack.of(this).toJsonString(config.providers) } : {};
    const notifications = new Notifications(this, 'Notifications', {
      alertEmails: config.alertEmails,
      slack: slackTarget(config),
      teams: teamsTarget(config),
    });
    // What the fan-out and the watchdog both need to send alerts and digests (lambda/core/alerts).
    const alertsEnv: Record<string, string> = {
      [envNames.jobAlertsTopicArn]: notifications.jobAlertsTopic.topicArn,
      [envNames.alertStatuses]: config.alertStatuses.join(','),
      [envNames.alertsPerWindow]: String(config.alertsPerWindow),
      [envNames.alertWindowSeconds]: String(config.alertWindowMinutes * 60),
      [envNames.jobsCommandHint]: jobsCommandHint,
    };

    const logs = { logRetention, logRemovalPolicy: removalPolicy };
    const receiver = new WebhookFunction(this, 'Receiver', {
      handlerName: 'receiver',
      serviceName: serviceNames.receiver,
      metricsNamespace,
      // Init (SDK clients, key parsing) and ECDSA verification are CPU-bound; Lambda CPU scales with memory and 512 MB
      // roughly halves cold start against 128 MB for little more cost per (short) invocation (npm run bench measures it).
      memorySize: functionMemoryMb.receiver,
      // Verify + 2-3 DynamoDB calls take tens of ms; 10 s leaves room for SDK retries against a throttled table yet
      // ends well before API Gateway's 30 s integration limit, so the provider sees our 5xx rather than a 504.
      timeout: Duration.seconds(10),
      ...logs,
      environment: {
        [envNames.tableName]: table.table.tableName,
        ...builtInTrustEnv(deployedPublicKeys(config)),
        [envNames.eventRetentionDays]: String(config.eventRetentionDays),
        [envNames.retryWindowSeconds]: String(config.retryWindowSeconds),
        [envNames.maxBodyBytes]: String(config.maxBodyBytes),
        [envNames.secretCacheTtlSeconds]: String(config.secretCacheTtlSeconds),
        [envNames.quarantineRetentionDays]: String(config.quarantineRetentionDays),
        [envNames.quarantineHourlyCap]: String(config.quarantineHourlyCap),
        ...providersEnv,
        ...(secretArns.length > 0
          ? {
              [envNames.providerSecretArns]: Stack.of(this).toJsonString(
                Object.fromEntries(Object.entries(providerSecrets).map(([name, s]) => [name, s.secretArn])),
              ),
            }
          : {}),
        // Checked against the receiver's own schema input: a name it does not read, or a required one missing, fails tsc.
      } satisfies ReceiverEnvInput,
    });
    // The table only: the receiver never reads the indexes.
    receiver.allow('EventStore', ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], [table.table.tableArn]);
    // Each secret by its ARN: the receiver reads its providers' secrets and nothing else in Secrets Manager.
    if (secretArns.length > 0) receiver.allow('ProviderSecrets', ['secretsmanager:GetSecretValue'], secretArns);

    const fanout = new WebhookFunction(this, 'Fanout', {
      handlerName: 'fanout',
      serviceName: serviceNames.fanout,
      metricsNamespace,
      // I/O-bound (one SNS publish and one DynamoDB update per record): 256 MB is plenty of memory, and enough CPU for
      // JSON formatting of up to 10 records.
      memorySize: functionMemoryMb.fanout,
      // Batch of up to 10 records, each a publish plus an update with SDK retries: normally well under a second; 30 s
      // bounds a stuck batch so the mapping retries or bisects it soon.
      timeout: Duration.seconds(30),
      ...logs,
      environment: {
        [envNames.tableName]: table.table.tableName,
        [envNames.succeededTopicArn]: notifications.succeededTopic.topicArn,
        [envNames.failedTopicArn]: notifications.failedTopic.topicArn,
        ...alertsEnv,
        ...providersEnv,
      } satisfies FanoutEnvInput,
    });
    // The notification ledger (mark notified) and the alert windows, decisions and rate slots, all items of the table;
    // the alert decision is a TransactWriteItems, authorised per contained action (Put/Update).
    fanout.allow('NotificationLedgerAndAlerts', ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:PutItem', 'dynamodb:Query'], [table.table.tableArn]);
    fanout.allow(
      'PublishOutcomesAndAlerts',
      ['sns:Publish'],
      [notifications.succeededTopic.topicArn, notifications.failedTopic.topicArn, notifications.jobAlertsTopic.topicArn],
    );
    // What SNS needs from a publisher to an encrypted topic, spelled out (Topic.grantPublish adds kms:GenerateDataKey*).
    fanout.allow('EncryptForTopics', ['kms:GenerateDataKey', 'kms:Decrypt'], [notifications.key.keyArn]);
    // Stream read (GetRecords etc.) and sqs:SendMessage to the on-failure queue are granted by the event source below.

    const httpApi = new WebhookHttpApi(this, 'Http', {
      receiver: receiver.function,
      throttleRateLimit: config.throttleRateLimit,
      throttleBurstLimit: config.throttleBurstLimit,
      ...logs,
    });
    const fanoutSource = new FanoutSource(this, 'FanoutSource', { table: table.table, fanout: fanout.function });
    const monitoring = new Monitoring(this, 'Monitoring', {
      receiver: receiver.function,
      fanout: fanout.function,
      api: httpApi.api,
      deadLetterQueue: fanoutSource.deadLetterQueue,
      alarmTopic: notifications.alarmTopic,
      metricsNamespace,
      receiverService: serviceNames.receiver,
      fanoutService: serviceNames.fanout,
      watchdogService: serviceNames.watchdog,
    });

    const watchdog = new Watchdog(this, 'Watchdog', {
      table: table.table,
      deadlines: config.stallDeadlines,
      extraEnvironment: { ...alertsEnv, ...providersEnv },
      jobAlertsTopic: notifications.jobAlertsTopic,
      topicKey: notifications.key,
      intervalMinutes: config.watchdogIntervalMinutes,
      eventRetentionDays: config.eventRetentionDays,
      alarmTopic: notifications.alarmTopic,
      serviceName: serviceNames.watchdog,
      metricsNamespace,
      dashboard: monitoring.dashboard,
      ...logs,
    });

    this.table = table.table;
    this.receiver = receiver.function;
    this.fanout = fanout.function;
    this.api = httpApi.api;
    this.apiUrl = httpApi.url;
    this.providerSecrets = providerSecrets;
    this.succeededTopic = notifications.succeededTopic;
    this.failedTopic = notifications.failedTopic;
    this.jobAlertsTopic = notifications.jobAlertsTopic;
    this.alarmTopic = notifications.alarmTopic;
    this.deadLetterQueue = fanoutSource.deadLetterQueue;
    this.parts = { table, receiver, fanout, httpApi, notifications, fanoutSource, monitoring, watchdog };
    // The construct carries its own accepted findings (each with its reason), so any app that composes it — this
    // repository's or a team's own, with cdk-nag and the guard rules as policy validation — sees only its own.
    if (acknowledgePolicyFindings) acknowledgeFindings(this);
  }
}

/** The Slack channel from the configuration: an existing Chatbot configuration, a new one, or none. */
function slackTarget(config: DeployConfig): SlackTarget | undefined {
  if (config.slackChannelConfigurationArn) return { existingConfigurationArn: config.slackChannelConfigurationArn };
  if (config.slackWorkspaceId && config.slackChannelId) return { workspaceId: config.slackWorkspaceId, channelId: config.slackChannelId };
  return undefined;
}

/** The Microsoft Teams channel from the configuration: an existing Chatbot configuration, a new one, or none. */
function teamsTarget(config: DeployConfig): TeamsTarget | undefined {
  if (config.teamsChannelConfigurationArn) return { existingConfigurationArn: config.teamsChannelConfigurationArn };
  if (config.teamsTenantId && config.teamsTeamId && config.teamsChannelId) {
    return { tenantId: config.teamsTenantId, teamId: config.teamsTeamId, channelId: config.teamsChannelId };
  }
  return undefined;
}
