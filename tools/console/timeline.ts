/**
 * A job's history as a timeline for people: which events arrived late (after an event that is newer by the job's
 * ordering, so they did not move its state), which repeat an earlier body, which the watchdog wrote, which one the
 * state reflects. Pure: computed from the history as read.
 *
 * Duplicates are never stored (the receiver answers `duplicate` and writes nothing), so they cannot appear; a body
 * that repeats an earlier one and WAS stored is a new cycle (a Panjaya regeneration past the retry window).
 */
import type { EventItem } from '../../lambda/core/items';

/** One event of the timeline, with what is worth saying about it. */
export interface TimelineEntry {
  readonly event: EventItem;
  /** Arrived after an event that is newer by the job's ordering: stored in the history, the state did not move back. */
  readonly late: boolean;
  /** The event id of an earlier event with the same content: this one is a new cycle, not a duplicate. */
  readonly repeats?: string;
  /** Written by the watchdog: the job waited past its deadline. */
  readonly stall: boolean;
  /** The event the job's state reflects now. */
  readonly head: boolean;
}

/** Arrival order keys start with the job's slot number (`0000000003`, a stall after it `0000000003#stall`). */
const ARRIVAL_ORDER_KEY = /^\d+(?:#|$)/;

function isLate(event: EventItem, index: number, history: readonly EventItem[]): boolean {
  if (event.status === 'stalled') return false;
  if (ARRIVAL_ORDER_KEY.test(event.orderKey)) {
    // Arrival order: slots follow arrival, so a late event is one whose own receive time is older than an earlier
    // slot's (a replayed delivery keeps its original receive time).
    return history.slice(0, index).some((earlier) => earlier.receivedAt > event.receivedAt);
  }
  // Provider-time order: late when an event received before it already sorts after it.
  return history.some((other) => other !== event && other.receivedAt < event.receivedAt && other.orderKey > event.orderKey);
}

/** The timeline of `history` (oldest first, as the jobs CLI reads it); `headEventId` is the state's `eventId`. */
export function timelineOf(history: readonly EventItem[], headEventId: string | undefined): TimelineEntry[] {
  const firstWithContent = new Map<string, string>();
  return history.map((event, index) => {
    const earlier = event.status === 'stalled' ? undefined : firstWithContent.get(event.contentHash);
    if (event.status !== 'stalled' && earlier === undefined) firstWithContent.set(event.contentHash, event.eventId);
    return {
      event,
      late: isLate(event, index, history),
      ...(earlier === undefined ? {} : { repeats: earlier }),
      stall: event.status === 'stalled',
      head: event.eventId === headEventId,
    };
  });
}
