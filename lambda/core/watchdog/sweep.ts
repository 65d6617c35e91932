/**
 * One watchdog sweep: read the byStatus index for states that may be past their deadline (no Scan), judge each,
 * and write a stall for those that are. Pure apart from the port it is given, so it runs the same in the Lambda
 * handler, the local stack's timer and tests.
 */
import type { EventItem, StateItem } from '../items';
import type { StateTransition } from '../state-transition';
import type { StallDeadlines, SweepableStatus } from './deadlines';
import { buildStall, judgeStall, sweepQueries } from './stall';

/** What a conditional stall write found: written, written before (another sweep), or the state moved on. */
export type StallWriteOutcome = 'stalled' | 'already' | 'superseded';

/** Storage the sweep needs: the index read and the one conditional write. */
export interface WatchdogStore {
  /**
   * States in `status` whose `gsi1sk` sorts before `sortKeyBefore`, oldest first, at most `limit`; items that do
   * not parse as state items are counted in `invalid` rather than failing the whole sweep.
   */
  statesBefore(status: SweepableStatus, sortKeyBefore: string, limit: number): Promise<{ states: StateItem[]; invalid: number }>;
  /** Puts `event` if absent and applies `state`, both or neither. Throws only on storage failure. */
  writeStall(event: EventItem, state: StateTransition): Promise<StallWriteOutcome>;
}

/** Minimal structured log (Powertools logger in AWS, console locally). */
export interface WatchdogLog {
  info(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface SweepDeps {
  readonly store: WatchdogStore;
  readonly deadlines: StallDeadlines;
  /** Days a stall event item is kept (same TTL as every event item). */
  readonly retentionDays: number;
  readonly now: () => Date;
  readonly log: WatchdogLog;
  /**
   * Most states read per status per sweep; the oldest come first and the rest wait for the next sweep.
   * @default 500
   */
  readonly maxStatesPerStatus?: number;
}

/** One job the sweep marked stalled. */
export interface StalledJob {
  provider: string;
  jobId: string;
  eventId: string;
  stalledEventType: string;
  deadlineMinutes: number;
}

export interface SweepResult {
  /** State items read from the index. */
  examined: number;
  stalled: StalledJob[];
  /** Written before by another sweep (index lag) or overtaken by a real event: nothing written. */
  skipped: number;
  /** Items in the index that are not valid state items (logged, left alone). */
  invalid: number;
  /** Jobs whose stall write failed; the sweep went on with the others and the next sweep retries them. */
  failures: Array<{ jobId: string; reason: string }>;
}

const DEFAULT_MAX_STATES = 500;

/** Runs one sweep at `deps.now()`. Throws when an index read fails (nothing was judged); per-job failures are returned. */
export async function sweep(deps: SweepDeps): Promise<SweepResult> {
  const now = deps.now();
  const limit = deps.maxStatesPerStatus ?? DEFAULT_MAX_STATES;
  const result: SweepResult = { examined: 0, stalled: [], skipped: 0, invalid: 0, failures: [] };
  for (const query of sweepQueries(deps.deadlines, now)) {
    const { states, invalid } = await deps.store.statesBefore(query.status, query.sortKeyBefore, limit);
    result.examined += states.length;
    result.invalid += invalid;
    if (invalid > 0) deps.log.error('byStatus index holds items that are not state items', { status: query.status, invalid });
    for (const state of states) {
      const judgement = judgeStall(state, deps.deadlines, now);
      if (judgement === undefined) continue;
      const { event, state: transition } = buildStall(state, judgement, now, deps.retentionDays);
      try {
        const outcome = await deps.store.writeStall(event, transition);
        if (outcome !== 'stalled') {
          result.skipped += 1;
          continue;
        }
        result.stalled.push({
          provider: state.provider,
          jobId: state.jobId,
          eventId: event.eventId,
          stalledEventType: state.eventType,
          deadlineMinutes: judgement.rule.minutes,
        });
        deps.log.info('job stalled', {
          provider: state.provider,
          jobId: state.jobId,
          eventId: event.eventId,
          eventType: state.eventType,
          waitingSince: state.updatedAt,
        });
      } catch (error) {
        const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        deps.log.error('stall write failed', { provider: state.provider, jobId: state.jobId, reason });
        result.failures.push({ jobId: state.jobId, reason });
      }
    }
  }
  return result;
}
