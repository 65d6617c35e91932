import { CfnResource, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { JobWebhookReceiver } from './job-webhook-receiver';

/**
 * Every policy finding we accept, cdk-nag's and cfn-guard's (Control Tower rules, lib/policy-validation.ts), with
 * the reason, in this one file. Each is attached to the narrowest constructs raising it, so the same problem on a
 * new resource is still reported. Findings we could fix are fixed instead (e.g. the topic key's kms:CreateGrant deny
 * in lib/constructs/notifications.ts for CT.KMS.PR.3).
 */

/** One accepted cdk-nag finding: the rule (with finding suffix where the rule reports several) and why. */
export interface NagAcknowledgement {
  /** Rule id as cdk-nag reports it, e.g. `AwsSolutions-IAM5[Resource::*]`. */
  readonly id: string;
  /** Why the finding is acceptable here (copied into the close note). */
  readonly reason: string;
  /** The narrowest constructs raising it, so the same problem on a new resource is still reported; none = n/a. */
  readonly scope: (receiver: JobWebhookReceiver) => readonly IConstruct[];
}

/** Every cdk-nag finding we accept. */
export const nagAcknowledgements: readonly NagAcknowledgement[] = [
  {
    id: 'AwsSolutions-APIG4',
    reason:
      'Public webhook endpoint by design: providers call it server-to-server and cannot send AWS or OAuth credentials. ' +
      'Each request is authenticated by its signature over the raw body (Panjaya ECDSA P-256, Contentor HMAC-SHA256), ' +
      'checked by the receiver before anything is parsed or stored; unsigned requests get 401.',
    scope: (r) => [r.api],
  },
  {
    id: 'AwsSolutions-SMG4',
    reason:
      'Each webhook secret (one per provider that signs with shared secrets) is issued by its provider, not by us, so a ' +
      'rotation Lambda could not change it at the provider. Users rotate by adding the new secret as a second entry ' +
      'of the JSON array (the receiver accepts any entry) and removing the old one once the provider uses the new one.',
    // Every provider secret that exists, so a configured provider's secret is covered and nothing else is.
    scope: (r) => Object.values(r.providerSecrets),
  },
  {
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'dynamodb:ListStreams, granted by the DynamoDB event source for the stream mapping, supports no resource-level ' +
      'permissions (Service Authorization Reference), so its resource must be "*". Every other stream action is ' +
      'scoped to this table\'s stream ARN, and it is the only "*" resource in the fan-out role.',
    scope: (r) => [r.parts.fanout.role],
  },
  {
    id: 'AwsSolutions-SQS3',
    reason:
      'This queue is itself the dead-letter destination: the on-failure destination of the stream → fan-out mapping. A ' +
      'DLQ behind it would only move the same failure records again; it is alarmed (DeadLetters alarm, any message) ' +
      'and keeps messages 14 days for the re-drive.',
    scope: (r) => [r.deadLetterQueue],
  },
  ...['AwsSolutions-IAM5[Resource::*]', 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:cloudwatch:<AWS::Region>:<AWS::AccountId>:alarm:*]'].map(
    (id): NagAcknowledgement => ({
      id,
      reason:
        'AWS Chatbot renders an alarm notification from the alarm and its metric (its documented "Notification ' +
        'permissions" template grants cloudwatch Describe*/Get*/List* on "*"). Here the actions are spelled out and ' +
        'read-only: alarms of this account and region (alarm:*, any alarm name) and the metric reads, which support no ' +
        'resource-level permissions. Role and channel guardrail hold the same document.',
      scope: (r) => {
        const chatbot = r.parts.notifications.chatbotPolicies;
        return chatbot ? [chatbot.role, chatbot.guardrail] : [];
      },
    }),
  ),
];

/** One accepted cfn-guard (Control Tower) finding: the guard rule, its control id, why, and where. */
export interface GuardAcknowledgement {
  /** The guard rule name as cfn-guard reports it, e.g. `lambda_inside_vpc_check`. */
  readonly rule: string;
  /** The Control Tower control it implements, e.g. `CT.LAMBDA.PR.3` (for people reading the report). */
  readonly control: string;
  readonly reason: string;
  /** The constructs under which the finding is accepted. */
  readonly scope: (receiver: JobWebhookReceiver) => IConstruct;
  /** Only resources of this CloudFormation type under the scope. */
  readonly resourceType: string;
  /** When the finding is accepted at all (e.g. only while the configuration causes it). @default always */
  readonly when?: (receiver: JobWebhookReceiver) => boolean;
}

/** Every cfn-guard finding we accept. */
export const guardAcknowledgements: readonly GuardAcknowledgement[] = [
  {
    rule: 'api_gw_v2_authorization_type_configured_check',
    control: 'CT.APIGATEWAY.PR.5',
    reason:
      'The webhook route has no API Gateway authoriser on purpose: providers cannot send AWS, JWT or Lambda-authoriser ' +
      'credentials. Every request is authenticated by the signature over its raw body, checked by the receiver before ' +
      'anything is parsed or stored (401 otherwise); throttling bounds what unsigned junk can cost.',
    scope: (r) => r.parts.httpApi,
    resourceType: 'AWS::ApiGatewayV2::Route',
  },
  {
    rule: 'api_gw_v2_access_logs_enabled_check',
    control: 'CT.APIGATEWAY.PR.4',
    reason:
      "Access logging is on: JSON access logs go to this stack's own log group, in a single-line format. The rule " +
      "accepts the destination only as a literal or a Ref/GetAtt of the log group, and the log group's Arn attribute " +
      'ends in ":*", which API Gateway stores without; given that form, every deploy shows a drift. The destination is ' +
      'therefore the log group ARN built with Fn::Join (arn:…:logs:<region>:<account>:log-group:<name>).',
    scope: (r) => r.parts.httpApi,
    resourceType: 'AWS::ApiGatewayV2::Stage',
  },
  {
    rule: 'lambda_function_public_access_prohibited_check',
    control: 'CT.LAMBDA.PR.2',
    reason:
      'The permission lets only API Gateway (service principal) invoke the receiver, and its SourceArn is this API and ' +
      'route (arn:…:execute-api:<region>:<account>:<api id>/*/*/webhooks/{provider}). The rule accepts only a literal ' +
      'or a Ref/GetAtt there; the ARN has to be built with Fn::Join because the API id exists only at deploy time.',
    scope: (r) => r.parts.httpApi,
    resourceType: 'AWS::Lambda::Permission',
  },
  {
    rule: 'lambda_inside_vpc_check',
    control: 'CT.LAMBDA.PR.3',
    reason:
      'The functions reach only AWS service APIs (DynamoDB, SNS, Secrets Manager) and no private network resource. A ' +
      'VPC would add NAT gateways or five interface endpoints (~USD 35-70 per month per AZ), cold-start latency and ' +
      'subnets to manage, with no resource inside it to protect; IAM scopes what each function can reach.',
    scope: (r) => r,
    resourceType: 'AWS::Lambda::Function',
  },
  {
    rule: 'cloudwatch_log_group_retention_period_check',
    control: 'CT.CLOUDWATCH.PR.2',
    reason:
      'Log retention is a deploy setting (logRetentionDays, default 30 days): the logs hold operational detail only ' +
      '(no payloads, signatures or secrets), and the event log itself lives in DynamoDB. Accounts under this control ' +
      'deploy with -c logRetentionDays=365 (or more), which satisfies the rule; this acknowledgement then lapses.',
    scope: (r) => r,
    resourceType: 'AWS::Logs::LogGroup',
    when: (r) => r.config.logRetentionDays < 365,
  },
  {
    rule: 'cloudwatch_log_group_encrypted_check',
    control: 'CT.CLOUDWATCH.PR.3',
    reason:
      'CloudWatch Logs encrypts every log group at rest with service-managed keys. A customer key adds a KMS key policy ' +
      'for the logs service and per-request KMS cost, and would protect nothing more: the log-hygiene tests keep ' +
      'secrets, signatures and payload bodies out of the logs (they carry ids, statuses and reasons).',
    scope: (r) => r,
    resourceType: 'AWS::Logs::LogGroup',
  },
  {
    rule: 'sqs_dlq_check',
    control: 'CT.SQS.PR.1',
    reason:
      'This queue is itself the dead-letter destination: the on-failure destination of the stream → fan-out mapping. A ' +
      'redrive policy would move the same failure records to yet another queue; this one is alarmed (any message) and ' +
      'keeps messages 14 days for npm run redrive.',
    scope: (r) => r.deadLetterQueue,
    resourceType: 'AWS::SQS::Queue',
  },
];

/** Template metadata key carrying the guard rules accepted on a resource (cfn-guard's `SuppressedRules` convention). */
export const GUARD_METADATA_KEY = 'guard';

/** Attaches {@link nagAcknowledgements} and {@link guardAcknowledgements} to the receiver's constructs. */
export function acknowledgeFindings(receiver: JobWebhookReceiver): void {
  for (const ack of nagAcknowledgements) {
    for (const scope of ack.scope(receiver)) Validations.of(scope).acknowledge({ id: ack.id, reason: ack.reason });
  }
  for (const ack of guardAcknowledgements) {
    if (ack.when && !ack.when(receiver)) continue;
    for (const node of ack.scope(receiver).node.findAll()) {
      if (!CfnResource.isCfnResource(node) || node.cfnResourceType !== ack.resourceType) continue;
      const existing = (node.getMetadata(GUARD_METADATA_KEY) as { SuppressedRules?: string[] } | undefined)?.SuppressedRules ?? [];
      node.addMetadata(GUARD_METADATA_KEY, { SuppressedRules: [...existing, ack.rule] });
    }
  }
}
