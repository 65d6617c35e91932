/**
 * The alerts path's memory (port): one shared budget for every fan-out and watchdog invocation at once, kept with
 * conditional writes (adapters/dynamo-alert-store.ts). The core decides; the store only answers whether a write won.
 */
import type { AlertWindow } from './windows';

/** How an alert-worthy event goes out: on its own, or in its window's digest. */
export type AlertKind = 'alert' | 'digest';

/** The facts a digest lists about one event. */
export interface AlertFacts {
  readonly provider: string;
  readonly jobId: string;
  readonly status: string;
  readonly eventType: string;
  readonly eventId: string;
}

/** One event's decision within its window. */
export interface AlertDecision extends AlertFacts {
  readonly kind: AlertKind;
  readonly decidedAt: string;
  /** An individual alert: when its publish started, and when SNS took it. */
  readonly publishingAt?: string;
  readonly sentAt?: string;
  /** An individual alert that was never sent, counted into the digest instead. */
  readonly foldedAt?: string;
}

export interface DecideInput {
  readonly window: AlertWindow;
  /** The event is marked with the window and kind, once (a retry or re-drive finds the mark). */
  readonly facts: AlertFacts;
  readonly kind: AlertKind;
  /** `alert` only: the window's individual budget. */
  readonly perWindow: number;
  readonly at: string;
  readonly expiresAt: number;
}

/**
 * `decided`: all three writes happened at once (event marked, decision stored, window counted). `already-decided`:
 * the event carries a decision from an earlier attempt. `budget-spent`: the window has sent its individual alerts.
 * `window-closed`: the window's digest is being (or was) sent, so it takes no more events.
 */
export type DecideOutcome = 'decided' | 'already-decided' | 'budget-spent' | 'window-closed';

/** A window that may still owe a digest. */
export interface WindowHead {
  readonly window: AlertWindow;
}

export interface AlertStore {
  decide(input: DecideInput): Promise<DecideOutcome>;
  /** The decision an event was given earlier (found through its mark), if any. */
  decisionOf(eventId: string): Promise<(AlertDecision & { window: string }) | undefined>;
  /**
   * Before publishing an individual alert: false when the flush already folded it into the digest, it was sent, or
   * another attempt (a retried record racing the first) started publishing it after `staleBefore`.
   */
  startPublishing(windowStart: string, eventId: string, at: string, staleBefore: string): Promise<boolean>;
  markSent(windowStart: string, eventId: string, at: string): Promise<void>;
  /** One message per rate slot, across every invocation: true when this caller got the slot. */
  claimSlot(slot: number, expiresAt: number): Promise<boolean>;
  /** Windows that ended at or before `endedBy` (and after `since`) and were not flushed yet. */
  windowsToFlush(sinceIso: string, endedBy: string): Promise<WindowHead[]>;
  /** Takes the window for flushing (closing it to new decisions); false when another flush holds it or it is done. */
  claimFlush(windowStart: string, at: string, staleBefore: string): Promise<boolean>;
  /** Hands the window back (an alert was still being published): the next flush tries again. */
  releaseFlush(windowStart: string): Promise<void>;
  /** Every decision of the window (strongly consistent). */
  decisions(windowStart: string): Promise<AlertDecision[]>;
  /**
   * Counts an unsent individual alert into the digest: `folded`, or `sent` (it went out after all), or `in-flight`
   * (its publish started after `staleBefore`).
   */
  fold(windowStart: string, eventId: string, at: string, staleBefore: string): Promise<'folded' | 'sent' | 'in-flight'>;
  /** Marks the window done, with what its digest held (0: nothing to send). */
  finishFlush(windowStart: string, at: string, digestTotal: number): Promise<void>;
}
