import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { JobWebhookReceiver } from './job-webhook-receiver';

/** One accepted cdk-nag finding: the rule (with finding suffix where the rule reports several) and why. */
export interface NagAcknowledgement {
  /** Rule id as cdk-nag reports it, e.g. `AwsSolutions-IAM5[Resource::*]`. */
  readonly id: string;
  /** Why the finding is acceptable here (copied into the close note). */
  readonly reason: string;
  /** The narrowest construct raising it, so the same problem on a new resource is still reported. */
  readonly scope: (receiver: JobWebhookReceiver) => IConstruct;
}

/** Every cdk-nag finding we accept, with the reason, in one place. */
export const nagAcknowledgements: readonly NagAcknowledgement[] = [
  {
    id: 'AwsSolutions-APIG4',
    reason:
      'Public webhook endpoint by design: providers call it server-to-server and cannot send AWS or OAuth credentials. ' +
      'Each request is authenticated by its signature over the raw body (Panjaya ECDSA P-256, Contentor HMAC-SHA256), ' +
      'checked by the receiver before anything is parsed or stored; unsigned requests get 401.',
    scope: (r) => r.api,
  },
  {
    id: 'AwsSolutions-SMG4',
    reason:
      'The Contentor webhook secret is issued by Contentor, not by us, so a rotation Lambda could not change it at the ' +
      'provider. Users rotate by adding the new secret as a second entry of the JSON array (the receiver accepts any ' +
      'entry) and removing the old one once Contentor uses the new one.',
    scope: (r) => r.contentorSecret,
  },
  {
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'dynamodb:ListStreams, granted by the DynamoDB event source for the stream mapping, supports no resource-level ' +
      'permissions (Service Authorization Reference), so its resource must be "*". Every other stream action is ' +
      "scoped to this table's stream ARN, and it is the only \"*\" resource in the fan-out role.",
    scope: (r) => r.parts.fanout.role,
  },
  {
    id: 'AwsSolutions-SQS3',
    reason:
      'This queue is itself the dead-letter destination: the on-failure destination of the stream → fan-out mapping. A ' +
      'DLQ behind it would only move the same failure records again; it is alarmed (DeadLetters alarm, any message) ' +
      'and keeps messages 14 days for the re-drive.',
    scope: (r) => r.deadLetterQueue,
  },
];

/** Attaches {@link nagAcknowledgements} to the receiver's constructs. */
export function acknowledgeNagFindings(receiver: JobWebhookReceiver): void {
  for (const ack of nagAcknowledgements) {
    Validations.of(ack.scope(receiver)).acknowledge({ id: ack.id, reason: ack.reason });
  }
}
