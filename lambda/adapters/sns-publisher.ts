/**
 * NotificationPublisher on Amazon SNS (fauxqs locally): one Publish per notification, MessageStructure json, with the
 * filter attributes `provider`, `status` and `eventType` as String message attributes.
 *
 * Why attributes, and what subscribers see (README "Subscribing"): SNS evaluates a subscription's filter policy when
 * the message is published — scope `MessageAttributes`, the default, against the attributes of the Publish request —
 * and delivers a JSON-structured message only to the subscriptions that accept it. SNS documents that message
 * attributes are *sent* to subscribers only with String-structured messages, not JSON: so the delivered envelope of
 * our messages carries none, and subscribers read the same three values from the JSON document (contract fields
 * `provider`, `status`, `eventType`). `MessageBody` scope is not offered: the body SNS publishes here is the
 * per-protocol structure, whose entries are JSON *strings*, so no body policy can reach `provider` inside them.
 */
import { PublishCommand, SNSClient, type MessageAttributeValue } from '@aws-sdk/client-sns';
import { clientConfig } from '../contracts';
import type { PublishTarget, TopicKind } from '../contracts';
import { REFUSED_MESSAGE_ERRORS, type NotificationPublisher, type OutgoingNotification } from '../core/ports';

/** Topic ARN per systems topic, and the job-alerts topic's where this publisher sends alerts too. */
export type TopicArns = Readonly<Record<TopicKind, string>> & { readonly alerts?: string };

/** The ARN a notification goes to; a publisher without the job-alerts topic cannot send alerts (a wiring bug). */
function topicArnOf(topicArns: TopicArns, target: PublishTarget): string {
  const arn = topicArns[target];
  if (!arn) throw new Error(`no topic ARN for ${target}: this publisher was wired without the job-alerts topic`);
  return arn;
}

/**
 * SNS refused the message itself (core/ports.ts REFUSED_MESSAGE_ERRORS: too large, or a value it cannot carry):
 * publishing it again can never succeed, so the fan-out parks the event instead of failing the batch. Every other
 * Publish failure (throttling, SNS or KMS unavailable, a missing topic or permission) is transient or operational.
 */
export class UnpublishableNotificationError extends Error {
  readonly permanent = true;
  constructor(
    readonly code: string,
    reason: string,
  ) {
    super(`SNS refused the notification (${code}): ${reason}`);
    this.name = 'UnpublishableNotificationError';
  }
}

/**
 * A String attribute value SNS accepts: the characters SNS allows in a message (XML's: tab, line feed, carriage
 * return, U+0020–U+D7FF, U+E000–U+FFFD, U+10000 and up; lone surrogates are not), never empty.
 */
export function snsStringValue(value: string): string {
  const cleaned = value.replace(/[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu, '\ufffd');
  return cleaned === '' ? '-' : cleaned;
}

function messageAttributes(attributes: Record<string, string>): Record<string, MessageAttributeValue> {
  return Object.fromEntries(Object.entries(attributes).map(([name, value]) => [name, { DataType: 'String', StringValue: snsStringValue(value) }]));
}

export class SnsNotificationPublisher implements NotificationPublisher {
  constructor(
    private readonly client: SNSClient,
    private readonly topicArns: TopicArns,
  ) {}

  async publish(notification: OutgoingNotification): Promise<void> {
    try {
      await this.client.send(
        new PublishCommand({
          TopicArn: topicArnOf(this.topicArns, notification.topic),
          MessageStructure: 'json',
          Subject: notification.subject,
          Message: notification.message,
          MessageAttributes: messageAttributes(notification.attributes),
        }),
      );
    } catch (error) {
      const code = error instanceof Error ? error.name : '';
      if (REFUSED_MESSAGE_ERRORS.has(code)) throw new UnpublishableNotificationError(code, error instanceof Error ? error.message : String(error));
      throw error;
    }
  }
}

/**
 * An SNS client for the functions: the caller's endpoint (fauxqs, from the function's settings) with the emulator's
 * region and credentials; without one, the regional endpoint and the default credential chain.
 */
export function makeSnsClient(endpoint: string | undefined): SNSClient {
  return new SNSClient({ ...clientConfig(endpoint || undefined), maxAttempts: 3 });
}
