/** The deployed stack's name and outputs, and the webhook route: what users' scripts and the CLIs rely on. */

/** Stack id, and the key of `cdk deploy --outputs-file` the CLIs read (contract: docs/ARCHITECTURE.md). */
export const STACK_ID = 'JobWebhookReceiver';

/** Names of the stack outputs (contract: docs/ARCHITECTURE.md "Stack outputs"). */
export const outputNames = {
  apiUrl: 'ApiUrl',
  tableName: 'TableName',
  succeededTopicArn: 'SucceededTopicArn',
  failedTopicArn: 'FailedTopicArn',
  /** People's topic: individual alerts (failed and stalled by default) and digests, at most 5 messages a second. */
  jobAlertsTopicArn: 'JobAlertsTopicArn',
  alarmTopicArn: 'AlarmTopicArn',
  /**
   * JSON object from provider name to the ARN of its secret, for every provider with shared secrets (built-in or
   * configured). A built-in may also name its secret's ARN in an output of its own (Contentor: `ContentorSecretArn`).
   */
  providerSecretArns: 'ProviderSecretArns',
  /** Not in the contract: lets `npm run redrive` report on the fan-out's failure records without a flag. */
  deadLetterQueueUrl: 'DeadLetterQueueUrl',
} as const;

/** What only the local stack's outputs file adds: the emulators' endpoints (SnsEndpoint serves SQS too) and its queue's ARN. */
export const localOutputNames = {
  dynamoDbEndpoint: 'DynamoDbEndpoint',
  snsEndpoint: 'SnsEndpoint',
  deadLetterQueueArn: 'DeadLetterQueueArn',
} as const;

/** The one webhook route, `POST /webhooks/{provider}` (API Gateway and the local server alike). */
export const webhookRoute = {
  method: 'POST',
  path: '/webhooks/{provider}',
  /** The path parameter that names the provider. */
  parameter: 'provider',
  /** The path of one provider's route. */
  pathFor: (provider: string): string => `/webhooks/${provider}`,
} as const;

/** The local stack's configured providers, recorded beside its outputs file for the CLIs. */
export const PROVIDERS_FILE_NAME = 'providers.json';

/** Where the local stack records its configured providers for the CLIs: beside its outputs file. */
export const providersFileBeside = (outputsFile: string): string => outputsFile.replace(/[^/\\]*$/, PROVIDERS_FILE_NAME);

/** The systems topics a notification can go to: every notifiable event, one message each, never throttled. */
export const topicKinds = ['succeeded', 'failed'] as const;
export type TopicKind = (typeof topicKinds)[number];
/** The people's topic: alerts and digests, rate-limited (lambda/core/alerts). */
export const ALERTS_TOPIC = 'alerts' as const;
/** Every topic the functions publish to. */
export type PublishTarget = TopicKind | typeof ALERTS_TOPIC;

/**
 * What the watchdog function is asked to do by its schedules: the stalled-job sweep (the default, also for an empty
 * event), or only flushing the digests of closed alert windows (a one-minute schedule, so a digest goes out soon after
 * its window closes even when no other event arrives).
 */
export const watchdogTasks = { sweep: 'sweep-stalled-jobs', flushDigests: 'flush-alert-digests' } as const;
/** The event the digest schedule sends the watchdog function. */
export const flushDigestsEvent = { task: watchdogTasks.flushDigests } as const;
