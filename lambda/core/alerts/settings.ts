/**
 * What the alerts path is configured to do (deploy context `alertStatuses`, `alertsPerWindow`, `alertWindowMinutes`;
 * locally `LOCAL_ALERTS_PER_WINDOW`, `LOCAL_ALERT_WINDOW_SECONDS`), and the fixed pacing that keeps the job-alerts
 * topic within what SNS e-mail and Slack accept.
 */
import * as z from 'zod/mini';
import '../zod-locale';
import { ALERT_DEFAULTS } from '../../contracts';
import type { NormalisedStatus } from '../model';

/** Statuses that can alert people: the ones that notify at all (model.ts topicFor). */
export const alertableStatuses = ['succeeded', 'failed', 'stalled'] as const;
export type AlertableStatus = (typeof alertableStatuses)[number];

export interface AlertSettings {
  /** Statuses that alert (default failed, stalled). */
  readonly statuses: ReadonlySet<NormalisedStatus>;
  /** Individual alerts per window; past it, the window's events go into its digest (0: digests only). */
  readonly perWindow: number;
  /** Window length in seconds (fixed windows aligned to the epoch, so every invocation agrees on them). */
  readonly windowSeconds: number;
}

/** `failed,stalled` (or an array) → the set, refusing statuses that never notify. */
export const AlertStatusesSchema = z.pipe(
  z.union([z.string(), z.array(z.string())]),
  z.transform((value, ctx) => {
    const words = (Array.isArray(value) ? value : value.split(',')).map((s) => s.trim()).filter((s) => s !== '');
    const bad = words.filter((w) => !(alertableStatuses as readonly string[]).includes(w));
    if (bad.length > 0 || words.length === 0) {
      ctx.issues.push({
        code: 'custom',
        input: value,
        message: `alert statuses must be a non-empty list of ${alertableStatuses.join(', ')}${bad.length ? ` (not ${bad.join(', ')})` : ''}`,
      });
      return z.NEVER;
    }
    return [...new Set(words)] as AlertableStatus[];
  }),
);

export const DEFAULT_ALERT_SETTINGS: AlertSettings = {
  statuses: new Set(ALERT_DEFAULTS.statuses),
  perWindow: ALERT_DEFAULTS.perWindow,
  windowSeconds: ALERT_DEFAULTS.windowMinutes * 60,
};

/**
 * Pacing of the job-alerts topic: one message per slot of `1000 / (maxPerSecond - 1)` ms (250 ms for 5/s). A message
 * goes out within its slot, and however late a publish lands (up to one more slot), no second of SNS's clock ever
 * holds more than `maxPerSecond` of them.
 */
export const pacing = {
  slotMs: Math.floor(1000 / (ALERT_DEFAULTS.maxPerSecond - 1)),
  /** How long one message may wait for a free slot before it is left for its window's digest instead. */
  maxWaitMs: 10_000,
} as const;

/**
 * A window is flushed (its digest sent) this long after it ends, so alerts decided at its very end are still sent on
 * their own; conditional writes keep it exact either way (alerts/flush.ts).
 */
export function flushGraceMs(settings: AlertSettings): number {
  return Math.min(pacing.maxWaitMs, settings.windowSeconds * 1000);
}

/** A claim or publish older than this is presumed dead (its invocation ended): longer than any function's timeout. */
export const STALE_CLAIM_MS = 90_000;

/** Alert windows, decisions and rate slots expire with the table's TTL after this many days. */
export const ALERT_ITEM_RETENTION_DAYS = 7;
