/** The load run's report: what it measured, and the same as a few readable lines. */
import type { PlanCheck } from './accounting';
import { percentile } from '../../helpers/percentile';

/** Everything a run measured; `problems` is empty when every promise held. */
export interface LoadReport {
  jobs: { contentor: number; panjaya: number };
  deliveries: { distinct: number; duplicatesSent: number; total: number; attempts: number; retried: number; gaveUp: number };
  answers: Record<string, number>;
  faults: string[];
  sendSeconds: number;
  eventsPerSecond: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  notifications: PlanCheck['notifications'] & { viaRedrive: number };
  eventLog: PlanCheck['eventLog'];
  states: PlanCheck['states'];
  deadLetters: number;
  problems: string[];
}

export const round = (x: number) => Math.round(x * 10) / 10;

const percentileOrZero = (sorted: readonly number[], p: number): number => percentile(sorted, p) ?? 0;

/** p50/p95/p99/max of the attempts' latencies, rounded to 0.1 ms. */
export function latencySummary(latencies: readonly number[]): LoadReport['latencyMs'] {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    p50: round(percentileOrZero(sorted, 50)),
    p95: round(percentileOrZero(sorted, 95)),
    p99: round(percentileOrZero(sorted, 99)),
    max: round(sorted[sorted.length - 1] ?? 0),
  };
}

/** The report as a few readable lines. */
export function formatLoadReport(r: LoadReport): string {
  const lines = [
    `jobs: ${r.jobs.contentor} Contentor, ${r.jobs.panjaya} Panjaya`,
    `deliveries: ${r.deliveries.total} (${r.deliveries.distinct} distinct + ${r.deliveries.duplicatesSent} duplicates), ${r.deliveries.attempts} HTTP attempts, ${r.deliveries.retried} retried, ${r.deliveries.gaveUp} gave up`,
    `answers: ${Object.entries(r.answers)
      .map(([k, v]) => `${k}×${v}`)
      .join(', ')}`,
    `throughput: ${r.eventsPerSecond} deliveries/s over ${r.sendSeconds} s; latency per attempt p50 ${r.latencyMs.p50} ms, p95 ${r.latencyMs.p95} ms, p99 ${r.latencyMs.p99} ms, max ${r.latencyMs.max} ms`,
    `faults: ${r.faults.length === 0 ? 'none' : ''}`,
    ...r.faults.map((f) => `  - ${f}`),
    `event log: ${r.eventLog.stored}/${r.eventLog.expected} distinct events stored, lost ${r.eventLog.lost}, doubled ${r.eventLog.doubled}`,
    `job states: ${r.states.checked} checked, ${r.states.wrong} not at their newest event`,
    `notifications: ${r.notifications.observedDistinct}/${r.notifications.expected} distinct terminal events (${r.notifications.observedMessages} messages, ${r.notifications.viaRedrive} via re-drive), lost ${r.notifications.lost}, doubled ${r.notifications.doubled}, unexpected ${r.notifications.unexpected}`,
    `  accepted by SNS just before a fauxqs kill and lost with its in-memory queue: ${r.notifications.heldByEmulatorAtCrash}; seen twice after an answer lost at the kill (at-least-once): ${r.notifications.redeliveredAfterLostAnswer}`,
    `dead-letter records: ${r.deadLetters}`,
    r.problems.length === 0 ? 'RESULT: PASS — nothing lost, nothing doubled' : `RESULT: FAIL\n${r.problems.map((p) => `  - ${p}`).join('\n')}`,
  ];
  return `${lines.join('\n')}\n`;
}
