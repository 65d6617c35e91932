import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { JobWebhookReceiver, type JobWebhookReceiverProps } from './job-webhook-receiver';
import { outputNames, STACK_ID } from '../lambda/contracts';
import { builtInSecretOutputs } from '../lambda/core/providers';

export { outputNames, STACK_ID } from '../lambda/contracts';

/** Props of {@link JobWebhookReceiverStack}. */
export interface JobWebhookReceiverStackProps extends StackProps {
  /**
   * Configuration of the receiver construct (usually parsed from context by lib/config.ts).
   * @default - every default of {@link JobWebhookReceiverProps}
   */
  readonly receiver?: JobWebhookReceiverProps;
}

/** The deployable stack: the {@link JobWebhookReceiver} construct, its outputs and its policy acknowledgements. */
export class JobWebhookReceiverStack extends Stack {
  /** The receiver construct. */
  public readonly receiver: JobWebhookReceiver;

  constructor(scope: Construct, id: string = STACK_ID, props: JobWebhookReceiverStackProps = {}) {
    super(scope, id, {
      description: 'Job-status webhook receiver (Panjaya, Contentor): API, event log, SNS fan-out',
      ...props,
    });
    this.receiver = new JobWebhookReceiver(this, 'Receiver', props.receiver);
    const r = this.receiver;
    new CfnOutput(this, outputNames.apiUrl, { value: r.apiUrl, description: 'Webhook base URL: POST <ApiUrl>/webhooks/<provider>' });
    new CfnOutput(this, outputNames.tableName, { value: r.table.tableName, description: 'Event log and job state' });
    new CfnOutput(this, outputNames.succeededTopicArn, {
      value: r.succeededTopic.topicArn,
      description: 'Systems: every succeeded job, one JSON document each (SQS, Lambda, HTTPS); not for e-mail',
    });
    new CfnOutput(this, outputNames.failedTopicArn, {
      value: r.failedTopic.topicArn,
      description: 'Systems: every failed and stalled job, one JSON document each (SQS, Lambda, HTTPS); not for e-mail',
    });
    new CfnOutput(this, outputNames.jobAlertsTopicArn, {
      value: r.jobAlertsTopic.topicArn,
      description: 'People: alerts and digests (e-mail, Slack, Teams), at most 5 messages a second',
    });
    // A built-in may name its secret in an output of its own (Contentor: ContentorSecretArn, a documented name).
    for (const { module, outputName } of builtInSecretOutputs) {
      const secret = Object.hasOwn(r.providerSecrets, module.name) ? r.providerSecrets[module.name] : undefined;
      if (!secret) continue;
      new CfnOutput(this, outputName, {
        value: secret.secretArn,
        description: `Put the ${module.label} webhook secret(s) here as a JSON array of strings`,
      });
    }
    if (Object.keys(r.providerSecrets).length > 0) {
      new CfnOutput(this, outputNames.providerSecretArns, {
        value: this.toJsonString(Object.fromEntries(Object.entries(r.providerSecrets).map(([name, secret]) => [name, secret.secretArn]))),
        description: "Each provider's secret by provider name: put its secret(s) in it as a JSON array of strings",
      });
    }
    new CfnOutput(this, outputNames.alarmTopicArn, {
      value: r.alarmTopic.topicArn,
      description: 'CloudWatch alarms of this stack: subscribe on-call e-mail, Slack or a pager here',
    });
    new CfnOutput(this, outputNames.deadLetterQueueUrl, {
      value: r.deadLetterQueue.queueUrl,
      description: 'Fan-out failure records (stream batches that exhausted their retries); npm run redrive reports on them',
    });
  }
}
