/** The deployed stack's name and outputs, and the webhook route: what users' scripts and the CLIs rely on. */

/** Stack id, and the key of `cdk deploy --outputs-file` the CLIs read (contract: docs/ARCHITECTURE.md). */
export const STACK_ID = 'JobWebhookReceiver';

/** Names of the stack outputs (contract: docs/ARCHITECTURE.md "Stack outputs"). */
export const outputNames = {
  apiUrl: 'ApiUrl',
  tableName: 'TableName',
  succeededTopicArn: 'SucceededTopicArn',
  failedTopicArn: 'FailedTopicArn',
  contentorSecretArn: 'ContentorSecretArn',
  alarmTopicArn: 'AlarmTopicArn',
  /** Configured providers only: JSON object from provider name to the ARN of its secret. */
  providerSecretArns: 'ProviderSecretArns',
  /** Not in the contract: lets `npm run redrive` report on the fan-out's failure records without a flag. */
  deadLetterQueueUrl: 'DeadLetterQueueUrl',
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

/** The SNS topics a notification can go to. */
export const topicKinds = ['succeeded', 'failed'] as const;
export type TopicKind = (typeof topicKinds)[number];
