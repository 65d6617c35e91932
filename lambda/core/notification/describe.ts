/**
 * What a terminal event means, in words, independent of the channel: the provider module's wording (its
 * `describe`), or the watchdog's for a stall. Provider-controlled values stay separate (`{ value }` segments) so each
 * channel can neutralise them its own way.
 */
import type { EventItem } from '../items';
import { builtInRegistry, type ProviderRegistry } from '../providers';
import type { EventDescription, ProviderModule } from '../providers/provider';
import { stallDetails, stallExplanation, stallOutcome, stallPayloadOf } from './stall';

export type { EventDescription, Segment } from '../providers/provider';

/** The module of an item's provider; undefined for a provider no longer configured (worded generically). */
export function moduleOf(item: Pick<EventItem, 'provider'>, providers: ProviderRegistry = builtInRegistry): ProviderModule | undefined {
  return providers.get(item.provider);
}

/** Display name of an item's provider: its label, else the route name itself. */
export function labelOf(item: Pick<EventItem, 'provider'>, providers: ProviderRegistry = builtInRegistry): string {
  return moduleOf(item, providers)?.label ?? item.provider;
}

export function describeEvent(item: EventItem, providers: ProviderRegistry = builtInRegistry): EventDescription {
  const id = { value: item.jobId };
  const module = moduleOf(item, providers);
  const label = labelOf(item, providers);
  const kind = module?.naming.kindOf(item) ?? 'job';
  if (item.status === 'stalled') {
    const stall = stallPayloadOf(item);
    if (stall) return { headline: [`${label} ${kind} `, id, ` ${stallOutcome(stall)}`], explanation: stallExplanation(stall, label) };
    return {
      headline: [`${label} ${kind} `, id, ' stalled'],
      explanation: 'No newer event arrived before the configured deadline (marked by the watchdog); a later real event still wins.',
    };
  }
  if (module) return module.describe(item);
  return { headline: [`${label} job `, id, ` ${item.status}`], explanation: `${label} sent an event this receiver maps to "${item.status}".` };
}

/** Optional extra lines: the watchdog's stall facts, or the locale and provider message stored beside the body. */
export function payloadDetails(item: EventItem): Array<{ label: string; value: string }> {
  const stall = stallPayloadOf(item);
  if (stall) return stallDetails(stall);
  // Excerpts the receiver stored beside the body (providers/body.ts detailsOf): bounded, well-formed text.
  const details: Array<{ label: string; value: string }> = [];
  if (item.detailLocale) details.push({ label: 'Locale', value: item.detailLocale });
  if (item.detailMessage) details.push({ label: 'Provider message', value: item.detailMessage });
  return details;
}
