/**
 * What a month costs at 0, 10k, 100k, 1M and 10M deliveries: the measured per-delivery costs (bench/cost.ts) plus
 * every fixed part the stack carries, counted from the stack itself (its key, secrets, alarms, dashboard, schedules),
 * each line with its price and source (bench/prices.ts). `npm run bench` writes it to bench/results.json;
 * `npx tsx bench/monthly.ts` recomputes it from the cost figures already there (no emulators needed).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { CfnAlarm, CfnDashboard } from 'aws-cdk-lib/aws-cloudwatch';
import { CfnRule } from 'aws-cdk-lib/aws-events';
import { CfnKey } from 'aws-cdk-lib/aws-kms';
import { CfnSecret } from 'aws-cdk-lib/aws-secretsmanager';
import { CfnTopic } from 'aws-cdk-lib/aws-sns';
import { ALERT_DEFAULTS } from '../lambda/contracts';
import { JobWebhookReceiverStack } from '../lib/stack';
import type { CostResult } from './cost';
import { prices, usd, type Price } from './prices';
import { round } from './stats';

export const MONTHLY_VOLUMES = [0, 10_000, 100_000, 1_000_000, 10_000_000] as const;

const SECONDS_PER_MONTH = 30 * 86_400;

/** What the default deployment holds, counted from the stack's own constructs (no bundling, no AWS). */
export interface StackFacts {
  readonly kmsKeys: number;
  readonly secrets: number;
  readonly alarms: number;
  readonly dashboards: number;
  readonly topics: number;
  /** Minutes between each scheduled rule's invocations of the watchdog function. */
  readonly scheduleMinutes: readonly number[];
}

export function stackFacts(): StackFacts {
  // Bundling off: only the resource counts matter here.
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new JobWebhookReceiverStack(app);
  const all = stack.node.findAll();
  const count = (type: { new (...args: never[]): unknown }) => all.filter((c) => c instanceof type).length;
  const scheduleMinutes = all
    .filter((c): c is CfnRule => c instanceof CfnRule)
    .map((rule) => Stack.of(rule).resolve(rule.scheduleExpression) as string | undefined)
    .flatMap((expression) => {
      const m = /^rate\((\d+) minutes?\)$/.exec(expression ?? '');
      return m ? [Number(m[1])] : [];
    });
  return {
    kmsKeys: count(CfnKey),
    secrets: count(CfnSecret),
    alarms: count(CfnAlarm),
    dashboards: count(CfnDashboard),
    topics: count(CfnTopic),
    scheduleMinutes,
  };
}

/** Assumptions of the model, stated once and printed with it. */
export const monthlyAssumptions = {
  /** Bytes of log written per delivery by the receiver (one JSON line) and per notification by the fan-out. */
  receiverLogBytesPerDelivery: 450,
  fanoutLogBytesPerNotification: 400,
  /** A warm receiver container fetches the secret once per cache TTL (60 s); below one delivery per TTL, once per delivery. */
  secretCacheTtlSeconds: 60,
  /** SNS reuses a topic's data key for up to 5 minutes: at most this many KMS requests per topic and month. */
  kmsRequestsPerTopicMonth: SECONDS_PER_MONTH / 300,
  /** Metrics every hour of steady traffic publishes (the error and per-reason ones only exist in months they fire). */
  steadyCustomMetrics: 8,
  /** Watchdog invocation: 256 MB, billed ms, and read units (sweep: two keys-only index queries; flush: one query). */
  watchdogMemoryMb: 256,
  watchdogBilledMs: 60,
  sweepReadUnits: 1,
  flushReadUnits: 0.5,
} as const;

export interface MonthlyLine {
  readonly item: string;
  readonly usd: number;
  readonly price: string;
  readonly source: string;
}

const priced = (item: string, price: Price, count: number): MonthlyLine => ({
  item,
  usd: usd(price, count),
  price: `USD ${price.usd} per ${price.per === 1 ? '' : `${price.per.toLocaleString('en-US')} `}${price.unit}`,
  source: price.source + (price.assumption ? ` (assumption: ${price.assumption})` : ''),
});

/** The bill of one month at `deliveries` deliveries, line by line. */
export function monthlyBill(cost: CostResult, facts: StackFacts, deliveries: number): { deliveries: number; totalUsd: number; lines: MonthlyLine[] } {
  const a = monthlyAssumptions;
  const m = deliveries / 1e6;
  const perDelivery = (item: string, key: keyof CostResult['breakdown']): MonthlyLine => ({
    item,
    usd: cost.breakdown[key] * m,
    price: `measured: USD ${cost.breakdown[key]} per million deliveries`,
    source: 'npm run bench (bench/cost.ts) with bench/prices.ts',
  });
  const notifications = deliveries * cost.snsPublishesPerEvent;
  const alertWorthy = deliveries * (cost.alerts.alertWorthyEvents / Math.max(1, cost.deliveries));
  // People's path: every alert-worthy event is decided; at most the budget is published per window, plus one digest.
  const windowsPerMonth = SECONDS_PER_MONTH / (ALERT_DEFAULTS.windowMinutes * 60);
  const alertPublishes = Math.min(alertWorthy, windowsPerMonth * (ALERT_DEFAULTS.perWindow + 1));
  const invocationsPerMonth = facts.scheduleMinutes.map((minutes) => SECONDS_PER_MONTH / 60 / minutes);
  const watchdogInvocations = invocationsPerMonth.reduce((s, n) => s + n, 0);
  const sweeps = Math.min(...facts.scheduleMinutes) === Math.max(...facts.scheduleMinutes) ? watchdogInvocations : (invocationsPerMonth[0] ?? 0);
  const logGb = (deliveries * a.receiverLogBytesPerDelivery + notifications * a.fanoutLogBytesPerNotification) / 2 ** 30;
  const lines: MonthlyLine[] = [
    perDelivery('API Gateway HTTP API requests', 'api'),
    perDelivery('receiver Lambda', 'receiverLambda'),
    perDelivery('DynamoDB writes (events, states, notified marks)', 'dynamoWrites'),
    perDelivery('DynamoDB reads', 'dynamoReads'),
    perDelivery('fan-out Lambda', 'fanoutLambda'),
    perDelivery('SNS publishes (systems topics)', 'snsPublishes'),
    priced(
      `alerts: decision writes (${cost.alerts.writeUnitsPerAlertWorthyEvent} WRU per alert-worthy event, measured)`,
      prices.dynamoWriteRequestUnit,
      alertWorthy * cost.alerts.writeUnitsPerAlertWorthyEvent,
    ),
    priced('alerts: publishes on the job-alerts topic (budget-bound)', prices.snsPublish, alertPublishes),
    priced('KMS key (topics)', prices.kmsKeyMonth, facts.kmsKeys),
    priced('KMS requests (SNS data keys)', prices.kmsRequest, Math.min(notifications + alertPublishes, facts.topics * a.kmsRequestsPerTopicMonth)),
    priced(`Secrets Manager secrets (${facts.secrets})`, prices.secretMonth, facts.secrets),
    priced('Secrets Manager GetSecretValue (receiver cache)', prices.secretApiCall, Math.min(deliveries, SECONDS_PER_MONTH / a.secretCacheTtlSeconds)),
    priced('CloudWatch dashboard', prices.dashboardMonth, facts.dashboards),
    priced(`CloudWatch alarms (${facts.alarms})`, prices.alarmMonth, facts.alarms),
    priced('CloudWatch custom metrics (steady traffic)', prices.customMetricMonth, deliveries > 0 ? a.steadyCustomMetrics : 0),
    priced('watchdog + digest-flush Lambda requests', prices.lambdaRequest, watchdogInvocations),
    priced(
      'watchdog + digest-flush Lambda duration',
      prices.lambdaArmGbSecond,
      watchdogInvocations * (a.watchdogMemoryMb / 1024) * (a.watchdogBilledMs / 1000),
    ),
    priced('watchdog + digest-flush reads', prices.dynamoReadRequestUnit, sweeps * a.sweepReadUnits + (watchdogInvocations - sweeps) * a.flushReadUnits),
    priced('EventBridge schedules', prices.scheduledRuleInvocation, watchdogInvocations),
    priced('CloudWatch Logs ingestion', prices.logIngestionGb, logGb),
    priced('CloudWatch Logs storage (30-day retention: about one month held)', prices.logStorageGbMonth, logGb),
  ];
  const rounded = lines.map((line) => ({ ...line, usd: round(line.usd, 4) }));
  return {
    deliveries,
    totalUsd: round(
      lines.reduce((s, l) => s + l.usd, 0),
      2,
    ),
    lines: rounded,
  };
}

export function monthlyBills(cost: CostResult, facts: StackFacts = stackFacts()) {
  return { facts, assumptions: monthlyAssumptions, bills: MONTHLY_VOLUMES.map((n) => monthlyBill(cost, facts, n)) };
}

/** The README table: one column per volume. */
export function renderMonthlyTable(monthly: ReturnType<typeof monthlyBills>): string {
  const heads = monthly.bills.map((b) => (b.deliveries === 0 ? '0' : b.deliveries >= 1e6 ? `${b.deliveries / 1e6}M` : `${b.deliveries / 1e3}k`));
  const out = [`| USD per month, deliveries → | ${heads.join(' | ')} |`, `|---|${heads.map(() => '---:').join('|')}|`];
  const items = monthly.bills[0]?.lines.map((l) => l.item) ?? [];
  for (const [i, item] of items.entries()) out.push(`| ${item} | ${monthly.bills.map((b) => (b.lines[i]?.usd ?? 0).toFixed(2)).join(' | ')} |`);
  out.push(`| **total** | ${monthly.bills.map((b) => `**${b.totalUsd.toFixed(2)}**`).join(' | ')} |`);
  return `${out.join('\n')}\n`;
}

if (require.main === module) {
  const file = path.join(__dirname, 'results.json');
  const results = JSON.parse(readFileSync(file, 'utf8')) as { cost: CostResult; monthly?: unknown };
  if (!results.cost.alerts) throw new Error('bench/results.json has no cost.alerts: run npm run bench first');
  results.monthly = monthlyBills(results.cost);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(renderMonthlyTable(results.monthly as ReturnType<typeof monthlyBills>));
}
