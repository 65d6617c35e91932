/** Alerts for people: the shared budget, rate ceiling and digests of the job-alerts topic (docs/ARCHITECTURE.md). */
export { alertEvent, factsOf, type AlertDeps, type AlertOutcome } from './alert-event';
export { flushClosedWindows, type FlushDeps, type FlushedWindow } from './flush';
export { waitForSlot } from './pace';
export {
  AlertStatusesSchema,
  alertableStatuses,
  DEFAULT_ALERT_SETTINGS,
  flushGraceMs,
  pacing,
  STALE_CLAIM_MS,
  ALERT_ITEM_RETENTION_DAYS,
  type AlertSettings,
  type AlertableStatus,
} from './settings';
export type { AlertDecision, AlertFacts, AlertKind, AlertStore, DecideInput, DecideOutcome, WindowHead } from './store';
export { nextWindow, slotAt, slotStartMs, windowAt, type AlertWindow } from './windows';
