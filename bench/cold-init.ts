/**
 * Cold init: for each function, ≥10 fresh Node processes that load the deployed bundle and make the first handler
 * call against the local stack, interleaved round by round with the two baselines (empty handler; a bundle of only
 * the SDK clients the function uses, making the same SDK requests) so machine noise hits all of them alike.
 * The child environment mirrors Lambda's: region and credentials in the environment, the stack's NODE_OPTIONS.
 * Every variant runs on each given Node binary (Lambda's Node 24 and this machine's Node), in the same rounds.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import type { DynamoDBRecord } from 'aws-lambda';
import { envNames, metricsNamespace } from '../lambda/contracts';
import { matchesStreamFilter } from '../lambda/core/stream-filter';
import { bundleBenchChild, type BuiltBundle, type BundleName } from './bundle';
import { directIngest, receiverEnv } from './direct';
import { contentorDelivery, panjayaDelivery, toApiEvent, type BenchTrust } from './fixtures';
import type { BenchStack } from './stack';
import { median, round } from './stats';

const run = promisify(execFile);

/** One function's cold-init result (contract keys of results.json `coldInit.<function>`). */
export interface ColdInitResult {
  readonly medianMs: number;
  readonly floorMs: number;
  readonly sdkOnlyMs: number;
  readonly vsFloor: number;
  readonly vsSdkOnly: number;
  /** Median import (module load + init code) and first call, apart. */
  readonly importMs: number;
  readonly firstCallMs: number;
  /** The same code bundled with a source map and run with NODE_OPTIONS=--enable-source-maps (the earlier setting). */
  readonly withSourceMapsMs: number;
  readonly runs: number;
}

interface Variant {
  readonly name: string;
  readonly bundle: BundleName;
  readonly env: NodeJS.ProcessEnv;
  /** A fresh event file per run (a new event each time, so every first call does the full work). */
  readonly eventFor: (i: number) => Promise<unknown>;
  readonly check: (result: unknown) => void;
}

interface Sample {
  importMs: number;
  firstCallMs: number;
  totalMs: number;
  result: unknown;
}

async function spawnOnce(node: string, childFile: string, bundleFile: string, eventFile: string, env: NodeJS.ProcessEnv): Promise<Sample> {
  const { stdout } = await run(node, [childFile, bundleFile, eventFile], { env, maxBuffer: 16 * 1024 * 1024 });
  const line = stdout.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
  if (!line) throw new Error(`cold-init child printed no result:\n${stdout.slice(-2000)}`);
  return JSON.parse(line.slice('BENCH_RESULT '.length)) as Sample;
}

/** Pending terminal-event stream records in a fresh table, one per fan-out cold start. */
async function pendingTerminalRecords(stack: BenchStack, trust: BenchTrust, count: number): Promise<{ tableName: string; records: DynamoDBRecord[] }> {
  const { tableName, streamArn } = await stack.createTable('bench-cold');
  const store = directIngest(stack, trust, tableName);
  for (let i = 0; i < count; i++) {
    const stored = await store(contentorDelivery(trust, randomUUID(), 'completed', new Date().toISOString(), 'contentor-header', true));
    if (stored.result.kind !== 'stored') throw new Error('could not store a terminal event for the fan-out cold start');
  }
  const records = (await stack.readStream(streamArn)).filter((r) => matchesStreamFilter(r));
  if (records.length < count) throw new Error(`expected ${count} terminal stream records, got ${records.length}`);
  return { tableName, records };
}

/** Cold init of both functions on one Node binary. */
export interface ColdInitByFunction {
  readonly receiver: ColdInitResult;
  readonly fanout: ColdInitResult;
}

export async function measureColdInit<N extends string>(options: {
  stack: BenchStack;
  trust: BenchTrust;
  bundles: Record<BundleName, BuiltBundle>;
  runs: number;
  workDir: string;
  /** Node binaries to run on, by a name of the caller's choosing. */
  nodes: Readonly<Record<N, string>>;
  log: (message: string) => void;
}): Promise<Record<N, ColdInitByFunction>> {
  const { stack, trust, bundles, runs, workDir } = options;
  const nodeNames = Object.keys(options.nodes) as N[];
  const childFile = await bundleBenchChild(workDir, 'cold-child');

  const { tableName: receiverTable } = await stack.createTable('bench-cold-receiver');
  const fanoutRecords = await pendingTerminalRecords(stack, trust, runs * 3 * nodeNames.length);
  const base: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    POWERTOOLS_METRICS_NAMESPACE: metricsNamespace,
    // As in the stack (lib/constructs/functions.ts sets none); the *WithMaps variants measure the flag's cost.
    NODE_OPTIONS: '',
    // The SDK's Node-support warning on Node 20 would add to every start there; Lambda's Node 24 prints none.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  const receiverEnvironment = { ...base, ...receiverEnv(stack, trust, receiverTable), POWERTOOLS_SERVICE_NAME: 'receiver' };
  const fanoutEnvironment = {
    ...base,
    POWERTOOLS_SERVICE_NAME: 'fanout',
    [envNames.tableName]: fanoutRecords.tableName,
    [envNames.dynamoDbEndpoint]: stack.dynamoEndpoint,
    [envNames.snsEndpoint]: stack.snsEndpoint,
    [envNames.succeededTopicArn]: stack.topics.succeeded,
    [envNames.failedTopicArn]: stack.topics.failed,
  };
  const withMaps = (env: NodeJS.ProcessEnv) => ({ ...env, NODE_OPTIONS: '--enable-source-maps' });
  const panjayaEvent = async () => toApiEvent(panjayaDelivery(trust, `asset-${randomUUID()}`, 'v1', 'version_generated', true));
  let nextRecord = 0;
  const streamEvent = async () => ({ Records: [fanoutRecords.records[nextRecord++]] });
  const expectStatus = (result: unknown) => {
    const status = (result as { statusCode?: number }).statusCode;
    if (status !== 200) throw new Error(`cold-init receiver answered ${status}: ${JSON.stringify(result)}`);
  };
  const expectNoFailures = (result: unknown) => {
    const failures = (result as { batchItemFailures?: unknown[] }).batchItemFailures;
    if (!failures || failures.length > 0) throw new Error(`cold-init fan-out failed: ${JSON.stringify(result)}`);
  };
  const variants: Variant[] = [
    { name: 'floor', bundle: 'empty', env: base, eventFor: async () => ({}), check: expectStatus },
    { name: 'receiver', bundle: 'receiver', env: receiverEnvironment, eventFor: panjayaEvent, check: expectStatus },
    { name: 'receiverWithMaps', bundle: 'receiverWithMaps', env: withMaps(receiverEnvironment), eventFor: panjayaEvent, check: expectStatus },
    { name: 'receiverSdkOnly', bundle: 'receiverSdkOnly', env: receiverEnvironment, eventFor: async () => ({ jobId: randomUUID() }), check: expectStatus },
    { name: 'fanout', bundle: 'fanout', env: fanoutEnvironment, eventFor: streamEvent, check: expectNoFailures },
    { name: 'fanoutWithMaps', bundle: 'fanoutWithMaps', env: withMaps(fanoutEnvironment), eventFor: streamEvent, check: expectNoFailures },
    { name: 'fanoutSdkOnly', bundle: 'fanoutSdkOnly', env: fanoutEnvironment, eventFor: streamEvent, check: expectNoFailures },
  ];
  const samples = new Map<string, Sample[]>();
  const key = (node: N, variant: string) => `${node}/${variant}`;
  for (let i = 0; i < runs; i++) {
    // Nodes and variants take turns within a round, so machine noise hits all of them alike.
    for (const node of nodeNames) {
      for (const variant of variants) {
        const eventFile = path.join(workDir, `event-${node}-${variant.name}-${i}.json`);
        writeFileSync(eventFile, JSON.stringify(await variant.eventFor(i)));
        const sample = await spawnOnce(options.nodes[node], childFile, bundles[variant.bundle].file, eventFile, variant.env);
        variant.check(sample.result);
        samples.set(key(node, variant.name), [...(samples.get(key(node, variant.name)) ?? []), sample]);
      }
    }
    options.log(`cold init: round ${i + 1}/${runs}`);
  }
  const byNode = (node: N): ColdInitByFunction => {
    const total = (name: string) => median((samples.get(key(node, name)) ?? []).map((s) => s.totalMs));
    const part = (name: string, k: 'importMs' | 'firstCallMs') => median((samples.get(key(node, name)) ?? []).map((s) => s[k]));
    const floorMs = total('floor');
    const result = (fn: 'receiver' | 'fanout'): ColdInitResult => {
      const medianMs = total(fn);
      const sdkOnlyMs = total(`${fn}SdkOnly`);
      return {
        medianMs: round(medianMs),
        floorMs: round(floorMs, 2),
        sdkOnlyMs: round(sdkOnlyMs),
        vsFloor: round(medianMs / floorMs, 1),
        vsSdkOnly: round(medianMs / sdkOnlyMs, 2),
        importMs: round(part(fn, 'importMs')),
        firstCallMs: round(part(fn, 'firstCallMs')),
        withSourceMapsMs: round(total(`${fn}WithMaps`)),
        runs,
      };
    };
    return { receiver: result('receiver'), fanout: result('fanout') };
  };
  return Object.fromEntries(nodeNames.map((node) => [node, byNode(node)])) as Record<N, ColdInitByFunction>;
}
