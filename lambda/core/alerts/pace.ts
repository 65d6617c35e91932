/** The shared rate ceiling of the job-alerts topic: a message publishes only in a slot it alone claimed. */
import type { AlertStore } from './store';
import { ALERT_ITEM_RETENTION_DAYS, pacing } from './settings';
import { slotAt, slotStartMs } from './windows';

export interface PaceDeps {
  readonly store: AlertStore;
  readonly now: () => Date;
  readonly sleep?: (ms: number) => Promise<void>;
  /**
   * When the caller must be done waiting (epoch ms): the fan-out gives its whole alert step a budget inside the
   * function's timeout. @default no limit beyond `pacing.maxWaitMs`
   */
  readonly waitUntilMs?: number;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Claims the first free slot from now on and waits for it to begin. False when every slot within
 * `pacing.maxWaitMs` is taken: the caller leaves the message for a digest rather than hold up its function.
 */
export async function waitForSlot(deps: PaceDeps): Promise<boolean> {
  const sleep = deps.sleep ?? defaultSleep;
  const nowMs = deps.now().getTime();
  const first = slotAt(nowMs);
  const maxWaitMs = Math.min(pacing.maxWaitMs, (deps.waitUntilMs ?? Number.POSITIVE_INFINITY) - nowMs);
  if (maxWaitMs < 0) return false;
  const last = slotAt(nowMs + maxWaitMs);
  for (let slot = first; slot <= last; slot++) {
    const expiresAt = Math.floor(slotStartMs(slot) / 1000) + ALERT_ITEM_RETENTION_DAYS * 86_400;
    if (!(await deps.store.claimSlot(slot, expiresAt))) continue;
    const wait = slotStartMs(slot) - deps.now().getTime();
    if (wait > 0) await sleep(wait);
    return true;
  }
  return false;
}
