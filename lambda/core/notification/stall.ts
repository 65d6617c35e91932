/**
 * Words for a watchdog stall (a `stalled` event item whose payload is the watchdog's StallPayload): what it waited
 * for, since when, and what to do. Kept apart from describe.ts so provider events and stalls each read simply.
 */
import type { EventItem } from '../items';
import { eventTypeKey, StallPayloadSchema, type StallPayload } from '../watchdog';

/** The stall payload of an item, or undefined when the item is not a watchdog stall (or an older shape). */
export function stallPayloadOf(item: Pick<EventItem, 'status' | 'body'>): StallPayload | undefined {
  if (item.status !== 'stalled' || item.body === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(item.body).toString('utf8'));
  } catch {
    return undefined;
  }
  const parsed = StallPayloadSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/**
 * One sentence for the notification. The status name is in key form: a stall is only judged for statuses that
 * equal a configured (known) name in that form, so no provider-invented text reaches the sentence.
 */
export function stallExplanation(stall: StallPayload, providerLabel: string): string {
  const status = eventTypeKey(stall.stalledEventType);
  if (stall.stalledStatus === 'ready') {
    return (
      `Reminder: no callback for ${stall.deadline} since ${status} at ${stall.waitingSince}. ` +
      `The job is waiting for a person (QC / editing), not for ${providerLabel}; a later event updates it as usual.`
    );
  }
  return (
    `No callback for ${stall.deadline} since ${status} at ${stall.waitingSince} (the watchdog's deadline for that status). ` +
    `${providerLabel} may have lost the job or its callback: check the job there. A later real event still updates the job and notifies as usual.`
  );
}

/** How the headline ends: "stalled: no callback for 2 h" (short: the subject must stay under 100 characters). */
export function stallOutcome(stall: StallPayload): string {
  return `stalled: no callback for ${stall.deadline}`;
}

/** Extra rows for e-mail and Slack. */
export function stallDetails(stall: StallPayload): Array<{ label: string; value: string }> {
  return [
    { label: 'Waiting since', value: stall.waitingSince },
    { label: 'Deadline', value: `${stall.deadline} (due ${stall.dueAt})` },
    { label: 'Last event id', value: stall.stalledEventId },
  ];
}
