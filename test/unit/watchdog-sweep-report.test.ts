/**
 * What a sweep tells the operator: the count of index items that are not state items (summed over the swept
 * statuses, in the "sweep done" line), and the log lines that name each stalled job, each failed stall write and
 * each index partition holding bad items. These are what an operator reads in the function's logs.
 */
import type { StateItem } from '../../lambda/core/items';
import { parseStallDeadlines, sweep, type StallWriteOutcome, type WatchdogLog, type WatchdogStore } from '../../lambda/core/watchdog';
import { stateItem } from '../helpers/state-items';

const deadlines = parseStallDeadlines(undefined);
const now = () => new Date('2026-11-23T09:30:00.000Z');

const processingState = (jobId: string) => stateItem({ jobId });

/** A store with `states` and `invalid` per status, answering stall writes with `outcome`. */
function storeOf(byStatus: Record<string, { states?: StateItem[]; invalid?: number }>, outcome: StallWriteOutcome | Error = 'stalled'): WatchdogStore {
  return {
    statesBefore: async (status) => ({ states: byStatus[status]?.states ?? [], invalid: byStatus[status]?.invalid ?? 0 }),
    writeStall: async () => {
      if (outcome instanceof Error) throw outcome;
      return outcome;
    },
  };
}

function recordingLog(): WatchdogLog & { lines: Array<[string, string, Record<string, unknown> | undefined]> } {
  const lines: Array<[string, string, Record<string, unknown> | undefined]> = [];
  return { lines, info: (message, fields) => lines.push(['info', message, fields]), error: (message, fields) => lines.push(['error', message, fields]) };
}

describe('a sweep report', () => {
  it('adds up the index items that are not state items, and logs the partition that holds them', async () => {
    const log = recordingLog();
    const result = await sweep({ store: storeOf({ in_progress: { invalid: 2 }, ready: { invalid: 1 } }), deadlines, retentionDays: 30, now, log });
    expect(result.invalid).toBe(3);
    expect(log.lines).toEqual([
      ['error', 'byStatus index holds items that are not state items', { status: 'in_progress', invalid: 2 }],
      ['error', 'byStatus index holds items that are not state items', { status: 'ready', invalid: 1 }],
    ]);
  });

  it('logs nothing about the index when every item is a state item', async () => {
    const log = recordingLog();
    const result = await sweep({ store: storeOf({}), deadlines, retentionDays: 30, now, log });
    expect(result).toEqual({ examined: 0, stalled: [], skipped: 0, invalid: 0, failures: [] });
    expect(log.lines).toEqual([]);
  });

  it('logs each stalled job with its provider status and since when it waited', async () => {
    const log = recordingLog();
    const result = await sweep({ store: storeOf({ in_progress: { states: [processingState('j1')] } }), deadlines, retentionDays: 30, now, log });
    const eventId = result.stalled[0]?.eventId;
    expect(eventId).toMatch(/^[0-9a-f]{32}$/);
    expect(log.lines).toEqual([
      ['info', 'job stalled', { provider: 'contentor', jobId: 'j1', eventId, eventType: 'processing', waitingSince: '2026-11-23T07:00:00.000Z' }],
    ]);
  });

  it('logs each failed stall write with the job and the reason', async () => {
    const log = recordingLog();
    const throttled = Object.assign(new Error('rate exceeded'), { name: 'ThrottlingException' });
    const result = await sweep({ store: storeOf({ in_progress: { states: [processingState('j1')] } }, throttled), deadlines, retentionDays: 30, now, log });
    expect(result.failures).toEqual([{ jobId: 'j1', reason: 'ThrottlingException: rate exceeded' }]);
    expect(log.lines).toEqual([['error', 'stall write failed', { provider: 'contentor', jobId: 'j1', reason: 'ThrottlingException: rate exceeded' }]]);
  });
});
