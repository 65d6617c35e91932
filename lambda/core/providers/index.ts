/**
 * The provider registry: the one place a provider module is registered. Adding a provider = its module plus one line
 * here (and its name in model.ts `providerNames`).
 */
import type { ProviderName } from '../model';
import { contentor } from './contentor';
import { panjaya } from './panjaya';
import type { ProviderModule } from './provider';

/** Every provider module by name. */
export const providerModules: Readonly<Record<ProviderName, ProviderModule>> = { panjaya, contentor };

/** The module for a route's provider segment, or undefined (→ 404). Own properties only, so `constructor` is unknown. */
export function getProvider(name: string): ProviderModule | undefined {
  return Object.hasOwn(providerModules, name) ? providerModules[name as ProviderName] : undefined;
}
