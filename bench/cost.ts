/**
 * Cost per million deliveries from measured counts. A fixed job mix (fixtures.jobMix: 4 deliveries per job, one a
 * new terminal event; Panjaya's 4th is a provider retry) goes through the receiver's real ingest into a fresh table
 * with the stack's schema; write/read units come from ReturnConsumedCapacity (the store's StoreOutcome, and a
 * metering middleware on the fan-out's ledger client); the table's real stream, with the shared fan-out filter,
 * gives fan-out invocations; the fan-out handler runs on each matching record and its SNS publishes are counted.
 * The naive design is modelled from the same counts: REST API, a stream trigger without filter (every stream
 * record invokes), and transactional writes (DynamoDB bills 2 units per transactional item write).
 */
import { performance } from 'node:perf_hooks';
import { matchesStreamFilter } from '../lambda/core/stream-filter';
import { directFanout, directIngest } from './direct';
import { jobMix, type BenchTrust } from './fixtures';
import { prices, pricesCheckedOn, pricesRegion, usd, type Price } from './prices';
import type { BenchStack } from './stack';
import { median, round } from './stats';

/** Memory (MB) and billed duration (ms) per invocation of one function. */
export interface FunctionCostInput {
  readonly memoryMb: number;
  readonly billedMs: number;
}

export interface CostLine {
  readonly api: number;
  readonly receiverLambda: number;
  readonly dynamoWrites: number;
  readonly dynamoReads: number;
  readonly fanoutLambda: number;
  readonly snsPublishes: number;
}

export interface CostModel {
  readonly usdPerMillion: number;
  readonly breakdown: CostLine;
}

export interface CostResult extends CostModel {
  readonly mix: string;
  readonly deliveries: number;
  readonly writeUnitsPerEvent: number;
  readonly readUnitsPerEvent: number;
  /** Receiver writes only (event item, state item, index entries). */
  readonly receiverWriteUnitsPerEvent: number;
  readonly fanoutInvocationsPerEvent: number;
  readonly snsPublishesPerEvent: number;
  /** The people's path, measured apart (not in the per-delivery figures above, which stay the systems path's). */
  readonly alerts: {
    readonly alertWorthyEvents: number;
    readonly writeUnitsPerAlertWorthyEvent: number;
    readonly readUnitsPerAlertWorthyEvent: number;
    readonly publishes: number;
  };
  readonly streamRecordsPerEvent: number;
  /** E-mail deliveries are billed per subscriber: USD per million deliveries per subscribed address (failed topic). */
  readonly emailUsdPerMillionPerSubscriber: number;
  readonly receiver: FunctionCostInput;
  readonly fanout: FunctionCostInput;
  readonly naive: CostModel & { readonly writeUnitsPerEvent: number; readonly fanoutInvocationsPerEvent: number };
  readonly belowNaivePercent: number;
  readonly prices: { readonly checkedOn: string; readonly region: string };
}

const gb = (mb: number) => mb / 1024;

function lambdaUsd(fn: FunctionCostInput, invocations: number): number {
  return usd(prices.lambdaRequest, invocations) + usd(prices.lambdaArmGbSecond, invocations * gb(fn.memoryMb) * (fn.billedMs / 1000));
}

function model(
  perEvent: { api: number; writeUnits: number; readUnits: number; fanoutInvocations: number; publishes: number },
  receiver: FunctionCostInput,
  fanout: FunctionCostInput,
  api: Price = prices.httpApiRequest,
): CostModel {
  const m = 1e6;
  const breakdown: CostLine = {
    api: usd(api, m * perEvent.api),
    receiverLambda: lambdaUsd(receiver, m),
    dynamoWrites: usd(prices.dynamoWriteRequestUnit, m * perEvent.writeUnits),
    dynamoReads: usd(prices.dynamoReadRequestUnit, m * perEvent.readUnits),
    fanoutLambda: lambdaUsd(fanout, m * perEvent.fanoutInvocations),
    snsPublishes: usd(prices.snsPublish, m * perEvent.publishes),
  };
  const total = Object.values(breakdown).reduce((a, b) => a + b, 0);
  const rounded = Object.fromEntries(Object.entries(breakdown).map(([k, v]) => [k, round(v, 3)])) as unknown as CostLine;
  return { usdPerMillion: round(total, 2), breakdown: rounded };
}

export async function measureCost(options: {
  stack: BenchStack;
  trust: BenchTrust;
  jobs: number;
  memoryMb: { receiver: number; fanout: number };
  log: (message: string) => void;
}): Promise<CostResult> {
  const { stack, trust } = options;
  const { tableName, streamArn } = await stack.createTable('bench-cost');
  const ingestOne = directIngest(stack, trust, tableName);
  const jobs = jobMix(trust, options.jobs);
  let receiverWrites = 0;
  let receiverReads = 0;
  let deliveries = 0;
  let failedTopicEvents = 0;
  const receiverMs: number[] = [];
  for (const job of jobs) {
    for (const delivery of job) {
      const start = performance.now();
      const { result, stored } = await ingestOne(delivery);
      receiverMs.push(performance.now() - start);
      if (result.kind !== 'stored' || !stored) throw new Error(`cost mix: a delivery was rejected: ${result.kind === 'rejected' ? result.error.message : ''}`);
      receiverWrites += stored.writeUnits;
      receiverReads += stored.readUnits;
      if (stored.outcome === 'accepted' && result.event.status === 'failed') failedTopicEvents += 1;
      deliveries += 1;
    }
  }
  const afterReceiver = await stack.readStream(streamArn);
  const matching = afterReceiver.filter((record) => matchesStreamFilter(record));
  const fanout = directFanout(stack, tableName);
  const fanoutMs: number[] = [];
  for (const record of matching) {
    const start = performance.now();
    const out = await fanout.invoke(record);
    fanoutMs.push(performance.now() - start);
    if (out.batchItemFailures.length > 0) throw new Error('cost mix: fan-out reported a failure');
  }
  const allRecords = await stack.readStream(streamArn);
  options.log(
    `cost: ${deliveries} deliveries, ${afterReceiver.length} stream records (${matching.length} match the filter), ${fanout.counts.publishes} publishes`,
  );

  const receiver: FunctionCostInput = { memoryMb: options.memoryMb.receiver, billedMs: Math.ceil(median(receiverMs)) };
  const fanoutFn: FunctionCostInput = { memoryMb: options.memoryMb.fanout, billedMs: Math.ceil(median(fanoutMs)) };
  const writeUnitsPerEvent = (receiverWrites + fanout.capacity.writeUnits) / deliveries;
  const readUnitsPerEvent = (receiverReads + fanout.capacity.readUnits) / deliveries;
  const perEvent = {
    api: 1,
    writeUnits: writeUnitsPerEvent,
    readUnits: readUnitsPerEvent,
    fanoutInvocations: fanout.counts.invocations / deliveries,
    publishes: fanout.counts.publishes / deliveries,
  };
  const ours = model(perEvent, receiver, fanoutFn);
  const naivePerEvent = { ...perEvent, writeUnits: writeUnitsPerEvent * 2, fanoutInvocations: allRecords.length / deliveries };
  const naive = model(naivePerEvent, receiver, fanoutFn, prices.restApiRequest);
  return {
    ...ours,
    mix: 'jobs rotate Panjaya / Contentor header / Contentor envelope; 4 deliveries per job, 1 new terminal event (every 4th job fails); Panjaya: generating, ready, generated + a retried generated (duplicate); Contentor: downloading, processing, uploading, completed|failed. Fan-out: one record per invocation (low traffic; batching only lowers it).',
    deliveries,
    writeUnitsPerEvent: round(writeUnitsPerEvent, 2),
    readUnitsPerEvent: round(readUnitsPerEvent, 2),
    receiverWriteUnitsPerEvent: round(receiverWrites / deliveries, 2),
    fanoutInvocationsPerEvent: round(perEvent.fanoutInvocations, 3),
    snsPublishesPerEvent: round(perEvent.publishes, 3),
    // The people's path, apart: what each alert-worthy (failed) event adds, within the default budget of 10 a window.
    alerts: {
      alertWorthyEvents: failedTopicEvents,
      writeUnitsPerAlertWorthyEvent: round(fanout.alertCapacity.writeUnits / Math.max(1, failedTopicEvents), 2),
      readUnitsPerAlertWorthyEvent: round(fanout.alertCapacity.readUnits / Math.max(1, failedTopicEvents), 2),
      publishes: fanout.counts.alertPublishes,
    },
    streamRecordsPerEvent: round(allRecords.length / deliveries, 2),
    emailUsdPerMillionPerSubscriber: round(usd(prices.snsEmailDelivery, (1e6 * failedTopicEvents) / deliveries), 2),
    receiver,
    fanout: fanoutFn,
    naive: { ...naive, writeUnitsPerEvent: round(naivePerEvent.writeUnits, 2), fanoutInvocationsPerEvent: round(naivePerEvent.fanoutInvocations, 2) },
    belowNaivePercent: round((1 - ours.usdPerMillion / naive.usdPerMillion) * 100, 1),
    prices: { checkedOn: pricesCheckedOn, region: pricesRegion },
  };
}
