/**
 * CI-sized run of the load/fault driver (`npm run test:load` runs the full size): a few hundred deliveries through
 * the in-process local stack with DynamoDB Local killed, fauxqs killed twice (once at a quiet moment, once with a
 * Publish in flight) and a poison stream record, then the
 * zero-lost / zero-doubled checks. Larger sizes: `npm run test:load -- --size 5000`.
 */
import { formatLoadReport, type LoadReport } from './harness/report';
import { runLoad } from './harness/run-load';

jest.setTimeout(170_000);

describe('load with faults (CI size)', () => {
  let report: LoadReport;
  const lines: string[] = [];

  beforeAll(async () => {
    report = await runLoad({ size: 260, senders: 12, duplicateRate: 0.1, faults: true, seed: 7, log: (line) => lines.push(line) });
    process.stdout.write(`[load test]\n${formatLoadReport(report)}`);
  });

  it('answers every delivery with 2xx in the end (providers retried the 503s)', () => {
    expect(report.deliveries.gaveUp).toBe(0);
    expect(Object.keys(report.answers).filter((status) => !['200', '503', 'connection-error', '429'].includes(status))).toEqual([]);
    // Duplicates really were sent: otherwise the idempotency checks below prove nothing.
    expect(report.deliveries.duplicatesSent).toBeGreaterThan(0);
  });

  it('injected every fault and re-drove what stayed pending', () => {
    expect(report.faults.join('\n')).toMatch(/DynamoDB Local killed/);
    expect(report.faults.join('\n')).toMatch(/fauxqs \(SNS\/SQS\) killed \(SIGKILL\) after \d+ deliveries: publishes fail/);
    // …and again while traffic flows, the instant a Publish was in flight (not at a quiet moment).
    expect(report.faults.join('\n')).toMatch(
      /fauxqs \(SNS\/SQS\) killed \(SIGKILL\) after \d+ deliveries with [1-9]\d* Publish request\(s\) in flight, senders running/,
    );
    expect(report.faults.join('\n')).toMatch(/the Publish in flight at the mid-flight kill .*: (ok|error)/);
    expect(report.faults.join('\n')).toMatch(/poison stream record/);
    // The poison record is parked by the fan-out (report.problems says so otherwise), not dead-lettered.
  });

  it('loses and doubles nothing: event log, job states, notifications', () => {
    expect(report.problems).toEqual([]);
    expect(report.eventLog.stored).toBe(report.eventLog.expected);
    expect(report.states.wrong).toBe(0);
    // What SNS accepted just before a crash may die with fauxqs' in-memory queue (real SNS would deliver it); anything
    // else must have reached the observer exactly once.
    expect(report.notifications.observedDistinct + report.notifications.heldByEmulatorAtCrash).toBe(report.notifications.expected);
    expect(report.notifications.observedMessages).toBe(report.notifications.observedDistinct + report.notifications.redeliveredAfterLostAnswer);
  });
});
