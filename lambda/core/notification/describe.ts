/**
 * What a terminal event means, in words, independent of the channel. Provider-controlled values stay separate
 * (`{ value }` segments) so each channel can neutralise them its own way.
 */
import type { EventItem } from '../items';
import type { ProviderName } from '../model';
import { stallDetails, stallExplanation, stallOutcome, stallPayloadOf } from './stall';

/** A piece of a headline: our own words, or a provider-controlled value. */
export type Segment = string | { value: string };

export interface EventDescription {
  /** e.g. ["Contentor job ", {value: uuid}, " failed"] */
  headline: Segment[];
  /** One sentence in our words: what happened and what it means. */
  explanation: string;
}

export const providerLabel: Record<ProviderName, string> = { panjaya: 'Panjaya', contentor: 'Contentor' };

/** Panjaya version id from `<asset_id>/<version_id>`; undefined for asset-level jobs. */
export function panjayaVersionId(item: Pick<EventItem, 'jobId' | 'partitionId'>): string | undefined {
  const prefix = `${item.partitionId}/`;
  return item.jobId.startsWith(prefix) ? item.jobId.slice(prefix.length) : undefined;
}

const panjayaEvents: Record<string, { kind: 'version' | 'asset'; outcome: string; explanation: string }> = {
  version_generated: {
    kind: 'version',
    outcome: 'generated',
    explanation: 'Panjaya finished generating the dubbed version; its final video can be downloaded (result_url of Get Version).',
  },
  version_failed: { kind: 'version', outcome: 'failed (dubbing)', explanation: 'Panjaya reported an error while dubbing this version.' },
  version_generate_failed: {
    kind: 'version',
    outcome: 'failed (video generation)',
    explanation: 'Panjaya reported an error while generating the final video of this version.',
  },
  asset_failed: { kind: 'asset', outcome: 'failed', explanation: 'Panjaya reported an error while processing the asset; its versions will not be produced.' },
};

const contentorStatuses: Record<string, { outcome: string; explanation: string }> = {
  completed: { outcome: 'completed', explanation: 'Contentor finished the job: the processed video was uploaded.' },
  failed: { outcome: 'failed', explanation: 'Contentor reported that the job failed.' },
};

export function describeEvent(item: EventItem): EventDescription {
  const id = { value: item.jobId };
  const label = providerLabel[item.provider];
  if (item.status === 'stalled') {
    const stall = stallPayloadOf(item);
    const kind = item.provider === 'panjaya' ? (panjayaVersionId(item) === undefined ? 'asset' : 'version') : 'job';
    if (stall) return { headline: [`${label} ${kind} `, id, ` ${stallOutcome(stall)}`], explanation: stallExplanation(stall, label) };
    return {
      headline: [`${label} ${kind} `, id, ' stalled'],
      explanation: 'No newer event arrived before the configured deadline (marked by the watchdog); a later real event still wins.',
    };
  }
  if (item.provider === 'panjaya') {
    const known = panjayaEvents[item.eventType];
    if (known) return { headline: [`${label} ${known.kind} `, id, ` ${known.outcome}`], explanation: known.explanation };
    const kind = panjayaVersionId(item) === undefined ? 'asset' : 'version';
    return { headline: [`${label} ${kind} `, id, ` ${item.status}`], explanation: `Panjaya sent an event this receiver maps to "${item.status}".` };
  }
  const known = contentorStatuses[item.eventType];
  if (known) return { headline: [`${label} job `, id, ` ${known.outcome}`], explanation: known.explanation };
  return { headline: [`${label} job `, id, ` ${item.status}`], explanation: `Contentor sent a status this receiver maps to "${item.status}".` };
}

/** Optional extra lines from the payload: Panjaya's version locale and a provider error message when one is sent. */
export function payloadDetails(item: EventItem): Array<{ label: string; value: string }> {
  const stall = stallPayloadOf(item);
  if (stall) return stallDetails(stall);
  // Excerpts the receiver stored beside the body (providers/body.ts detailsOf): bounded, well-formed text.
  const details: Array<{ label: string; value: string }> = [];
  if (item.detailLocale) details.push({ label: 'Locale', value: item.detailLocale });
  if (item.detailMessage) details.push({ label: 'Provider message', value: item.detailMessage });
  return details;
}
