/**
 * `npm run bench`: bundles (deployed esbuild options), warm CPU, cold init, local throughput/latency and cost per
 * million deliveries; writes bench/results.json (its keys are relied on: see README "Performance") and prints the tables as markdown.
 * Benchmarks, not tests: nothing here passes or fails on time; targets are reported beside the numbers.
 * BENCH_COLD_RUNS (default 10) sets the fresh processes per cold-init variant. `npm run bench -- --only console`
 * runs only the console section (bench/console.ts) and updates its key in results.json (BENCH_CONSOLE_JOBS, default
 * 10000, seeds fewer jobs for a quick look). `--only cost` (write/read units per delivery from the cost mix) and
 * `--only cpu` (warm per-event CPU on this machine's Node) print their section as JSON and leave results.json alone:
 * they are for before/after comparisons of a change in one session.
 */
import '../tools/lib/quiet-node-warning';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { functionMemoryMb, PROJECT_ROOT } from '../lib/constructs/functions';
import { buildAll, bundleBenchChild } from './bundle';
import { measureConsole } from './console';
import { measureColdInit } from './cold-init';
import { measureCost } from './cost';
import { monthlyBills } from './monthly';
import type { CpuResult } from './cpu';
import { makeTrust } from './fixtures';
import { hostNode, lambdaNode, type NodeRuntime } from './node-runtime';
import { measureLocal } from './local-load';
import { renderConsoleReport, renderReport } from './report';
import { startBenchStack } from './stack';
import { round } from './stats';

// Metrics are EMF lines on stdout in Lambda; here they would only bury the progress output.
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';

const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);
const STREAM_POLL_MS = 200;

function gitCommit(): string {
  try {
    const sha = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: PROJECT_ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'lambda', 'lib', 'bench'], { cwd: PROJECT_ROOT, encoding: 'utf8' }).trim();
    return dirty ? `${sha}+dirty` : sha;
  } catch {
    return 'unknown';
  }
}

/** Warm per-event CPU on `node`, in a fresh process running the bundled bench/cpu-child.ts. */
async function cpuOn(node: NodeRuntime, childFile: string): Promise<CpuResult> {
  const { stdout } = await promisify(execFile)(node.path, [childFile], { env: { ...process.env, NODE_OPTIONS: '' }, maxBuffer: 16 * 1024 * 1024 });
  const line = stdout.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
  if (!line) throw new Error(`cpu child on ${node.version} printed no result:\n${stdout.slice(-2000)}`);
  return (JSON.parse(line.slice('BENCH_RESULT '.length)) as { result: CpuResult }).result;
}

async function main(): Promise<void> {
  const started = Date.now();
  const coldRuns = Math.max(10, Number(process.env.BENCH_COLD_RUNS ?? 10) || 10);
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'bench-'));
  const trust = makeTrust();
  try {
    // Lambda runs Node 24 (the headline figures); this machine's Node beside it for comparison.
    const host = hostNode();
    let lambda: NodeRuntime | undefined;
    try {
      lambda = lambdaNode(log);
    } catch (error) {
      log(`no Node 24 (${error instanceof Error ? error.message.split('\n')[0] : String(error)}): measuring on ${host.version} only`);
    }
    const node24 = lambda ?? host;
    log(`Node: ${node24.version} (Lambda's runtime, headline) and ${host.version} (this machine)`);
    log('bundling with the stack’s esbuild options…');
    const bundles = await buildAll(workDir);
    const cpuChild = await bundleBenchChild(workDir, 'cpu-child');
    // Before the emulators start, so the JVM does not share the cores with the CPU measurement.
    log(`warm per-event CPU on ${node24.version}…`);
    const cpu = await cpuOn(node24, cpuChild);
    log(`warm per-event CPU on ${host.version}…`);
    const cpuHost = await cpuOn(host, cpuChild);
    log('starting the local stack…');
    const stack = await startBenchStack(trust, STREAM_POLL_MS);
    try {
      // Local load first: after the cold-init phase DynamoDB Local has been seen to trim the stack's stream under the
      // poller (TrimmedDataAccessException, which local/stream-poller.ts does not recover from yet).
      log('local throughput and latency…');
      const local = await measureLocal({
        stack,
        trust,
        concurrencies: [1, 4, 16],
        jobsPerWorker: (c) => Math.max(4, Math.ceil(60 / c)),
        notifications: 30,
        streamPollMs: STREAM_POLL_MS,
        log,
      });
      log(`cold init (${coldRuns} fresh processes per variant)…`);
      const cold = await measureColdInit({ stack, trust, bundles, runs: coldRuns, workDir, log, nodes: { lambda: node24.path, host: host.path } });
      const coldInit = cold.lambda;
      log('cost…');
      const cost = await measureCost({ stack, trust, jobs: 48, memoryMb: functionMemoryMb, log });
      log('console over 10,000 jobs and 50,000 events…');
      const consoleBench = await measureConsole({ trust, log });
      const bundle = Object.fromEntries(
        (['receiver', 'fanout'] as const).map((name) => [
          name,
          { bytes: bundles[name].bytes, gzipBytes: bundles[name].gzipBytes, mapBytes: bundles[name].mapBytes },
        ]),
      );
      const cpus = os.cpus();
      const results = {
        date: new Date().toISOString(),
        commit: gitCommit(),
        node: process.version,
        // coldInit and cpu are measured on Lambda's runtime (nodeVersions.lambda); *OnHostNode on this machine's Node.
        nodeVersions: { lambda: node24.version, host: host.version },
        machine: {
          cpu: cpus[0]?.model ?? 'unknown',
          cores: cpus.length,
          memoryGb: Math.round(os.totalmem() / 2 ** 30),
          platform: `${os.platform()} ${os.arch()}`,
        },
        durationSeconds: Math.round((Date.now() - started) / 1000),
        bundle,
        baselineBundles: { empty: bundles.empty.bytes, receiverSdkOnly: bundles.receiverSdkOnly.bytes, fanoutSdkOnly: bundles.fanoutSdkOnly.bytes },
        coldInit,
        coldInitOnHostNode: cold.host,
        cpu,
        cpuOnHostNode: cpuHost,
        lambdaNodeVsHostNode: {
          coldInitMs: {
            receiver: round(coldInit.receiver.medianMs - cold.host.receiver.medianMs),
            fanout: round(coldInit.fanout.medianMs - cold.host.fanout.medianMs),
          },
          perEventUs: Object.fromEntries(
            Object.entries(cpu.styles).map(([style, s]) => [style, round(s.perEventUs - (cpuHost.styles[style as keyof typeof cpu.styles]?.perEventUs ?? 0))]),
          ),
        },
        local,
        cost,
        monthly: monthlyBills(cost),
        console: consoleBench,
        memoryMb: functionMemoryMb,
        targets: {
          receiverVsSdkOnly: { max: 1.3, actual: coldInit.receiver.vsSdkOnly, met: coldInit.receiver.vsSdkOnly <= 1.3 },
          cpu: { rule: 'perEventUs ≤ 1.5 × floorUs + 20', met: Object.values(cpu.styles).every((s) => s.withinTarget) },
          usdPerMillion: { max: 3.5, actual: cost.usdPerMillion, met: cost.usdPerMillion <= 3.5 },
          belowNaivePercent: { min: 40, actual: cost.belowNaivePercent, met: cost.belowNaivePercent >= 40 },
        },
      };
      writeFileSync(path.join(PROJECT_ROOT, 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
      process.stdout.write(renderReport(results));
      log(`wrote bench/results.json in ${results.durationSeconds} s`);
    } finally {
      await stack.stop();
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** `--only console`: the console section alone, its key in results.json replaced and the rest kept. */
async function consoleOnly(): Promise<void> {
  const file = path.join(PROJECT_ROOT, 'bench', 'results.json');
  const consoleBench = await measureConsole({ trust: makeTrust(), log, jobs: Number(process.env.BENCH_CONSOLE_JOBS ?? 10_000) });
  const previous = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
  // The commit is the console's own: the rest of the file keeps the one it was measured at.
  writeFileSync(file, `${JSON.stringify({ ...previous, console: { ...consoleBench, commit: gitCommit() } }, null, 2)}\n`);
  process.stdout.write(renderConsoleReport(consoleBench));
  log('updated the console key of bench/results.json');
}

/** `--only cost`: the cost mix alone on a fresh local stack, printed (results.json untouched). */
async function costOnly(): Promise<void> {
  const trust = makeTrust();
  const stack = await startBenchStack(trust, STREAM_POLL_MS);
  try {
    const cost = await measureCost({ stack, trust, jobs: 48, memoryMb: functionMemoryMb, log });
    process.stdout.write(`${JSON.stringify({ commit: gitCommit(), cost }, null, 2)}\n`);
  } finally {
    await stack.stop();
  }
}

/** `--only cpu`: warm per-event CPU on this machine's Node alone, printed (results.json untouched). */
async function cpuOnly(): Promise<void> {
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'bench-'));
  try {
    const cpuChild = await bundleBenchChild(workDir, 'cpu-child');
    const host = hostNode();
    const cpu = await cpuOn(host, cpuChild);
    process.stdout.write(`${JSON.stringify({ commit: gitCommit(), node: host.version, cpu }, null, 2)}\n`);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

const sections: Record<string, () => Promise<void>> = { console: consoleOnly, cost: costOnly, cpu: cpuOnly };
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
const section = only === undefined ? main : sections[only];
if (section === undefined) {
  process.stderr.write(`[bench] unknown section "${only}": --only takes ${Object.keys(sections).join(', ')}\n`);
  process.exit(2);
}

section().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`[bench] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
