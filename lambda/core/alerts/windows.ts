/** Alert windows and rate slots: pure clock arithmetic every fan-out and watchdog invocation agrees on. */
import { pacing } from './settings';

export interface AlertWindow {
  /** ISO start (inclusive): the window's key. */
  readonly start: string;
  /** ISO end (exclusive). */
  readonly end: string;
}

/** The fixed window holding `atMs`, aligned to the epoch. */
export function windowAt(atMs: number, windowSeconds: number): AlertWindow {
  const length = windowSeconds * 1000;
  const startMs = Math.floor(atMs / length) * length;
  return { start: new Date(startMs).toISOString(), end: new Date(startMs + length).toISOString() };
}

/** The window after `window`. */
export function nextWindow(window: AlertWindow, windowSeconds: number): AlertWindow {
  return windowAt(Date.parse(window.end), windowSeconds);
}

/** The rate slot holding `atMs`. */
export function slotAt(atMs: number): number {
  return Math.floor(atMs / pacing.slotMs);
}

export function slotStartMs(slot: number): number {
  return slot * pacing.slotMs;
}
