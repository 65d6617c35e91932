/**
 * What a write to a job's state changes, as plain data: the fields it sets, the status index placement when the job
 * enters a status, the counters it bumps, and the precondition (the state is still what was read, or there is none
 * yet). The receiver's rules (write-plan.ts, event-items.ts) and the watchdog's stall (watchdog/stall.ts) decide
 * transitions; one adapter (adapters/state-update-expressions.ts) turns them into a conditional update, and
 * {@link applyTransition} applies one in memory (the event store's read-only guard, tests).
 */
import type { StatusIndexPlacement } from '../contracts';
import type { StateItem } from './items';

/** The fields a transition may set: everything but the item's keys and its status index placement. */
export type StateFields = Omit<StateItem, 'pk' | 'sk' | keyof StatusIndexPlacement>;

/** Fields a precondition compares: what identifies the state as read. */
export type ReadStateFields = Pick<StateItem, 'seq' | 'orderKey' | 'eventId' | 'status'>;

/** The state write's precondition: no state yet, or the state still holds these values (as read). */
export type StatePrecondition = { readonly kind: 'absent' } | { readonly kind: 'unchanged'; readonly fields: Readonly<Partial<ReadStateFields>> };

export interface StateTransition {
  /** The job's state item. */
  readonly key: { readonly pk: string; readonly sk: string };
  /** Fields set to these values. */
  readonly set: Readonly<Partial<StateFields>>;
  /** Present when the job enters a status (a new state or a status change): the index entry moves. */
  readonly index?: StatusIndexPlacement;
  /** Counters that go up by one (from zero when absent). */
  readonly increments?: readonly 'seq'[];
  readonly requires: StatePrecondition;
}

/** Whether `current` (undefined = no state) meets the transition's precondition. */
export function preconditionHolds(requires: StatePrecondition, current: StateItem | undefined): boolean {
  if (requires.kind === 'absent') return current === undefined;
  if (current === undefined) return false;
  return Object.entries(requires.fields).every(([name, value]) => current[name as keyof ReadStateFields] === value);
}

/** The state after `transition` on `current`, or undefined when its precondition does not hold (nothing changes). */
export function applyTransition(current: StateItem | undefined, transition: StateTransition): StateItem | undefined {
  if (!preconditionHolds(transition.requires, current)) return undefined;
  const next: Record<string, unknown> = { ...(current ?? transition.key), ...transition.set, ...transition.index };
  for (const counter of transition.increments ?? []) next[counter] = ((current?.[counter] as number | undefined) ?? 0) + 1;
  return next as StateItem;
}
