/**
 * A configured provider's `statuses` as the lifecycle mapping and tie-break ranks a provider module carries. A status
 * not listed is `unknown`: stored, never notified (docs/ARCHITECTURE.md "Configured providers"). Matching ignores case and surrounding spaces, as for
 * the built-ins (providers/provider.ts lookupStatus), with the same key function the configuration check uses.
 */
import type { NormalisedStatus } from '../../model';
import { statusKey, type ConfiguredLifecycleStatus } from './config-schema';

/** Lifecycle order for events with the same timestamp: a later stage wins; unknown statuses rank lowest. */
const lifecycleRanks: Readonly<Record<ConfiguredLifecycleStatus, number>> = { in_progress: 1, ready: 2, succeeded: 3, failed: 3 };

export interface ConfiguredStatusMap {
  /** The normalised status of a status value the provider sent. */
  statusFor(providerStatus: string): NormalisedStatus;
  /** Its tie-break rank (0 for unknown). */
  rankFor(providerStatus: string): number;
}

/** Builds the lookup once per provider (at cold start), not per event. */
export function configuredStatusMap(statuses: Readonly<Record<string, ConfiguredLifecycleStatus>>): ConfiguredStatusMap {
  const byKey = new Map<string, ConfiguredLifecycleStatus>();
  for (const [status, lifecycle] of Object.entries(statuses)) byKey.set(statusKey(status), lifecycle);
  return {
    statusFor: (providerStatus) => byKey.get(statusKey(providerStatus)) ?? 'unknown',
    rankFor: (providerStatus) => {
      const lifecycle = byKey.get(statusKey(providerStatus));
      return lifecycle === undefined ? 0 : lifecycleRanks[lifecycle];
    },
  };
}
