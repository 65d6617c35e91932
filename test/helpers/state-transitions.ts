/**
 * A walk through every kind of state transition the core decides, each with the state it starts from: two jobs
 * (timestamp order with a stall, arrival order with a slot that does not move the head), built by the real rules
 * (planWrite, stallTransition) and applied in memory one after the other. Fresh job ids per call.
 */
import { randomUUID } from 'node:crypto';
import type { StateItem } from '../../lambda/core/items';
import type { NormalisedEvent } from '../../lambda/core/model';
import { applyTransition, type StateTransition } from '../../lambda/core/state-transition';
import { stallTransition } from '../../lambda/core/watchdog';
import { planWrite } from '../../lambda/core/write-plan';
import { contentorEvent, panjayaEvent } from './events';

export interface TransitionStep {
  readonly name: string;
  /** The state the transition was decided on (undefined: no state yet). */
  readonly before: StateItem | undefined;
  readonly transition: StateTransition;
  /** The state after it, applied in memory. */
  readonly after: StateItem;
}

const config = { retentionDays: 30, retryWindowSeconds: 600 };
const t = (seconds: number) => new Date(Date.UTC(2026, 0, 1) + seconds * 1000).toISOString();

export function transitionWalk(): TransitionStep[] {
  const steps: TransitionStep[] = [];
  let state: StateItem | undefined;
  const step = (name: string, transition: StateTransition) => {
    const after = applyTransition(state, transition);
    if (after === undefined) throw new Error(`walk step "${name}": its precondition must hold`);
    steps.push({ name, before: state, transition, after });
    state = after;
  };
  const store = (name: string, event: NormalisedEvent, receivedAt: string) => {
    const plan = planWrite(event, receivedAt, state, config);
    if (plan.kind !== 'write' || plan.state === undefined) throw new Error(`walk step "${name}": the event must move the state`);
    step(name, plan.state);
  };

  const uuid = randomUUID();
  store('a new timestamp-ordered state', contentorEvent({ uuid, status: 'downloading', timestamp: '2026-01-01T00:00:00Z' }), t(0));
  store('the same status: the head moves, the index entry stays', contentorEvent({ uuid, status: 'processing', timestamp: '2026-01-01T00:01:00Z' }), t(60));
  step('a stall', stallTransition(state as StateItem, t(7200)));
  store('a status change after a stall', contentorEvent({ uuid, status: 'completed', timestamp: '2026-01-01T02:01:00Z' }), t(7260));

  state = undefined;
  const version = { assetId: `asset-${randomUUID()}`, versionId: 'v1' };
  store('a new arrival-ordered state', panjayaEvent({ ...version, event: 'version_generating' }), t(0));
  store('an arrival-ordered status change', panjayaEvent({ ...version, event: 'version_generated' }), t(30));
  store('a slot recorded without moving the head', panjayaEvent({ ...version, event: 'version_ready' }), t(40));
  return steps;
}
