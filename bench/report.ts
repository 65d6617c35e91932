/** Renders bench results as the markdown tables the README's performance section shows. */
import type { ColdInitResult } from './cold-init';
import type { ConsoleBenchResult } from './console';
import type { CostResult } from './cost';
import type { CpuResult } from './cpu';
import type { LocalResult } from './local-load';
import { renderMonthlyTable, type monthlyBills } from './monthly';

/** What the report needs from results.json. */
export interface ReportInput {
  readonly date: string;
  readonly commit: string;
  readonly node: string;
  readonly machine: { readonly cpu: string; readonly cores: number; readonly memoryGb: number; readonly platform: string };
  readonly bundle: Record<string, { readonly bytes: number; readonly gzipBytes: number }>;
  /** Measured on Lambda's Node (nodeVersions.lambda): the headline. */
  readonly coldInit: { readonly receiver: ColdInitResult; readonly fanout: ColdInitResult };
  readonly cpu: CpuResult;
  /** The same measurements on this machine's Node, for comparison. */
  readonly nodeVersions?: { readonly lambda: string; readonly host: string };
  readonly coldInitOnHostNode?: { readonly receiver: ColdInitResult; readonly fanout: ColdInitResult };
  readonly cpuOnHostNode?: CpuResult;
  readonly local: LocalResult;
  readonly cost: CostResult;
  /** The monthly bill at several volumes (bench/monthly.ts). */
  readonly monthly?: ReturnType<typeof monthlyBills>;
  readonly memoryMb: { readonly receiver: number; readonly fanout: number };
  readonly console?: ConsoleBenchResult;
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
const money = (value: number) => `$${value.toFixed(2)}`;

export function renderReport(r: ReportInput): string {
  const lines: string[] = [];
  const add = (...rows: string[]) => lines.push(...rows);
  add(
    `Measured ${r.date.slice(0, 10)} on ${r.machine.cpu} (${r.machine.cores} cores, ${r.machine.memoryGb} GB, ${r.machine.platform}), Node ${r.node}, commit ${r.commit.slice(0, 12)}.`,
    '',
  );
  const lambdaNode = r.nodeVersions?.lambda ?? r.node;
  const hostNode = r.nodeVersions?.host ?? r.node;
  const coldRows: Array<[string, { readonly receiver: ColdInitResult; readonly fanout: ColdInitResult }]> = [[`${lambdaNode} (Lambda)`, r.coldInit]];
  if (r.coldInitOnHostNode && hostNode !== lambdaNode) coldRows.push([`${hostNode} (this machine)`, r.coldInitOnHostNode]);
  add(
    '| function | Node | memory | bundle (gzip) | cold init median | empty-handler floor | SDK-only baseline | vs SDK-only | with source maps (earlier) |',
    '|---|---|---|---|---|---|---|---|---|',
  );
  for (const fn of ['receiver', 'fanout'] as const) {
    const b = r.bundle[fn];
    for (const [node, cold] of coldRows) {
      const c = cold[fn];
      add(
        `| ${fn} | ${node} | ${r.memoryMb[fn]} MB | ${b ? `${kb(b.bytes)} (${kb(b.gzipBytes)})` : '?'} | ${c.medianMs} ms | ${c.floorMs} ms | ${c.sdkOnlyMs} ms | ${c.vsSdkOnly}× | ${c.withSourceMapsMs} ms |`,
      );
    }
  }
  const host = r.cpuOnHostNode && hostNode !== lambdaNode ? r.cpuOnHostNode : undefined;
  add(
    '',
    `| per-event CPU (warm) | µs on ${lambdaNode} | crypto floor | target (1.5 × floor + 20) |${host ? ` µs on ${hostNode} |` : ''}`,
    `|---|---|---|---|${host ? '---|' : ''}`,
  );
  for (const [style, s] of Object.entries(r.cpu.styles)) {
    const other = host?.styles[style as keyof CpuResult['styles']];
    add(`| ${style} | ${s.perEventUs} | ${s.floorUs} | ${s.targetUs} ${s.withinTarget ? '✓' : '✗'} |${host ? ` ${other?.perEventUs ?? '?'} |` : ''}`);
  }
  add('', `| local stack (1 process + DynamoDB Local + fauxqs) | value |`, '|---|---|');
  for (const c of r.local.byConcurrency) add(`| concurrency ${c.concurrency}: events/s, p50 / p99 | ${c.eventsPerSecond}, ${c.p50Ms} / ${c.p99Ms} ms |`);
  add(`| notification POST → SQS subscriber p50 / p99 (stream poll every ${r.local.streamPollMs} ms) | ${r.local.notifyP50Ms} / ${r.local.notifyP99Ms} ms |`);
  add(`| notifications arrived / missing | ${r.local.notifications} / ${r.local.notificationsMissing.length} |`);
  const c = r.cost;
  add('', `| cost per million deliveries (${c.prices.region}, prices of ${c.prices.checkedOn}) | this design | naive |`, '|---|---|---|');
  const row = (name: string, key: keyof CostResult['breakdown']) => add(`| ${name} | ${money(c.breakdown[key])} | ${money(c.naive.breakdown[key])} |`);
  row('API Gateway (HTTP API / REST API)', 'api');
  row(`receiver Lambda (${c.receiver.memoryMb} MB × ${c.receiver.billedMs} ms)`, 'receiverLambda');
  row(`DynamoDB writes (${c.writeUnitsPerEvent} / ${c.naive.writeUnitsPerEvent} WRU per delivery)`, 'dynamoWrites');
  row(`DynamoDB reads (${c.readUnitsPerEvent} RRU per delivery)`, 'dynamoReads');
  row(`fan-out Lambda (${c.fanoutInvocationsPerEvent} / ${c.naive.fanoutInvocationsPerEvent} invocations per delivery)`, 'fanoutLambda');
  row(`SNS publishes (${c.snsPublishesPerEvent} per delivery)`, 'snsPublishes');
  add(`| **total** | **${money(c.usdPerMillion)}** | **${money(c.naive.usdPerMillion)}** | `, `| this design vs naive | ${c.belowNaivePercent}% lower | |`);
  add(`| e-mail, per subscribed address (failed topic) | +${money(c.emailUsdPerMillionPerSubscriber)} | same |`, '');
  add(`Mix: ${c.mix}`, '');
  if (r.monthly) add('', renderMonthlyTable(r.monthly));
  if (r.console) add('', renderConsoleReport(r.console));
  return `${lines.join('\n')}\n`;
}

/** The console's page timings over the seeded table (bench/console.ts). */
export function renderConsoleReport(c: ConsoleBenchResult): string {
  const rows = [
    ['overview, 24 hours', c.pages.overview24h],
    ['overview, 7 days', c.pages.overview7d],
    ['job page (5 events with their bodies)', c.pages.job],
    ['failed jobs list, 7 days (first page)', c.pages.failedList7d],
  ] as const;
  return [
    `| console over ${c.jobs.toLocaleString('en-US')} jobs, ${c.events.toLocaleString('en-US')} events (DynamoDB Local) | first byte, median / max | full render, median / max | HTML |`,
    '|---|---|---|---|',
    ...rows.map(
      ([name, t]) => `| ${name} | ${t.ttfbMedianMs} / ${t.ttfbMaxMs} ms | ${t.renderMedianMs} / ${t.renderMaxMs} ms | ${(t.htmlBytes / 1024).toFixed(0)} KB |`,
    ),
    '',
    `Seeded through the receiver's ingest in ${c.seedSeconds} s; ${c.pages.job.runs} loads per page after one warm-up (load average ${c.loadAverage}), in ${c.browser.replace(/^.*(Chrome\/[\d.]+).*$/, '$1')} (headless). Mix: ${c.mix}.`,
    '',
  ].join('\n');
}
