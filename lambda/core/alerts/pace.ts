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
  const startMs = deps.now().getTime();
  const deadlineMs = Math.min(startMs + pacing.maxWaitMs, deps.waitUntilMs ?? Number.POSITIVE_INFINITY);
  if (deadlineMs < startMs) return false;
  let slot = slotAt(startMs);
  while (slotStartMs(slot) <= deadlineMs) {
    const expiresAt = Math.floor(slotStartMs(slot) / 1000) + ALERT_ITEM_RETENTION_DAYS * 86_400;
    if (!(await deps.store.claimSlot(slot, expiresAt))) {
      slot += 1;
      continue;
    }
    const wait = slotStartMs(slot) - deps.now().getTime();
    if (wait > 0) await sleep(wait);
    // Woken inside our slot: publish now. Woken after it (a starved process, a long claim), the slot is lost: a
    // publish now could crowd the next second, so take a later slot instead.
    if (deps.now().getTime() < slotStartMs(slot + 1)) return true;
    slot = slotAt(deps.now().getTime());
  }
  return false;
}
