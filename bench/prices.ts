/**
 * us-east-1 list prices the cost model uses: the one place to update when AWS changes them. First (smallest) volume
 * tier everywhere, no free tier (it would make everything look free at low volume). Each price names its source by
 * page title and URL; `assumption` says where a number is inferred rather than read from the page.
 */

/** One unit price with where it comes from. */
export interface Price {
  /** USD per `per` units. */
  readonly usd: number;
  readonly per: number;
  readonly unit: string;
  readonly source: string;
  readonly assumption?: string;
}

/** Date the table was last checked against its sources. */
export const pricesCheckedOn = '2026-11-23';
export const pricesRegion = 'us-east-1';

const apiGatewayPage =
  'Amazon API Gateway pricing, https://aws.amazon.com/api-gateway/pricing/ (also AWS whitepaper "Best Practices for Designing Amazon API Gateway Private APIs", Cost optimization, Table 4)';
const lambdaPage = 'AWS Lambda Pricing, https://aws.amazon.com/lambda/pricing/ (Arm price, US East (N. Virginia))';
const dynamoPage =
  'Amazon DynamoDB pricing for on-demand capacity, https://aws.amazon.com/dynamodb/pricing/on-demand/ (after the November 2024 on-demand price reduction)';
const snsPage = 'Amazon SNS pricing, https://aws.amazon.com/sns/pricing/ (standard topics)';
const kmsPage = 'AWS Key Management Service pricing, https://aws.amazon.com/kms/pricing/';
const secretsPage = 'AWS Secrets Manager pricing, https://aws.amazon.com/secrets-manager/pricing/';
const cloudwatchPage = 'Amazon CloudWatch pricing, https://aws.amazon.com/cloudwatch/pricing/ (paid tier)';
const eventBridgePage = 'Amazon EventBridge pricing, https://aws.amazon.com/eventbridge/pricing/';

export const prices = {
  httpApiRequest: { usd: 1.0, per: 1e6, unit: 'HTTP API request (first 300 M/month, ≤512 KB)', source: apiGatewayPage },
  restApiRequest: { usd: 3.5, per: 1e6, unit: 'REST API request (first 333 M/month)', source: apiGatewayPage },
  lambdaArmGbSecond: { usd: 0.0000133334, per: 1, unit: 'Lambda arm64 GB-second (first 7.5 B GB-s/month)', source: lambdaPage },
  lambdaRequest: { usd: 0.2, per: 1e6, unit: 'Lambda request', source: lambdaPage },
  dynamoWriteRequestUnit: { usd: 0.625, per: 1e6, unit: 'DynamoDB on-demand write request unit (1 KB)', source: dynamoPage },
  dynamoReadRequestUnit: {
    usd: 0.125,
    per: 1e6,
    unit: 'DynamoDB on-demand read request unit (4 KB strongly consistent, or 2 eventually consistent)',
    source: dynamoPage,
  },
  snsPublish: {
    usd: 0.5,
    per: 1e6,
    unit: 'SNS publish request (64 KB chunk)',
    source: snsPage,
    assumption: 'deliveries to SQS and Lambda subscribers are free; HTTPS (Chatbot) deliveries are $0.60/M and not in the model',
  },
  snsEmailDelivery: { usd: 2.0, per: 1e5, unit: 'SNS e-mail notification delivery', source: snsPage },
  // Fixed monthly parts (bench/monthly.ts).
  kmsKeyMonth: { usd: 1.0, per: 1, unit: 'KMS customer managed key per month', source: kmsPage },
  kmsRequest: { usd: 0.03, per: 1e4, unit: 'KMS API request', source: kmsPage },
  secretMonth: { usd: 0.4, per: 1, unit: 'Secrets Manager secret per month', source: secretsPage },
  secretApiCall: { usd: 0.05, per: 1e4, unit: 'Secrets Manager API call', source: secretsPage },
  dashboardMonth: { usd: 3.0, per: 1, unit: 'CloudWatch dashboard per month', source: cloudwatchPage },
  alarmMonth: { usd: 0.1, per: 1, unit: 'CloudWatch standard-resolution alarm (one metric) per month', source: cloudwatchPage },
  customMetricMonth: {
    usd: 0.3,
    per: 1,
    unit: 'CloudWatch custom metric per month (first 10,000; prorated by the hour it is published in)',
    source: cloudwatchPage,
  },
  logIngestionGb: { usd: 0.5, per: 1, unit: 'CloudWatch Logs ingestion per GB (standard class)', source: cloudwatchPage },
  logStorageGbMonth: { usd: 0.03, per: 1, unit: 'CloudWatch Logs archived storage per GB-month', source: cloudwatchPage },
  scheduledRuleInvocation: {
    usd: 0,
    per: 1,
    unit: 'EventBridge scheduled rule (rate) event',
    source: eventBridgePage,
    assumption: 'scheduled events of rules on the default bus are not charged; the Lambda invocations they cause are',
  },
} as const satisfies Record<string, Price>;

/** USD for `count` units of `price`. */
export function usd(price: Price, count: number): number {
  return (price.usd / price.per) * count;
}
