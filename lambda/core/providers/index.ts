/**
 * The provider registry. A built-in provider is its module plus one line in `builtInProviders` (built-in.ts); a
 * configured one comes from the `providers` configuration (configured/module.ts).
 */
import { configuredModule } from './configured/module';
import type { ConfiguredProviders } from './configured/config-schema';
import { builtInProviders } from './built-in';
import type { ProviderModule } from './provider';

export { builtInProviders, builtInSecretOutputs, isBuiltInProvider } from './built-in';

/** Provider modules by route name. */
export interface ProviderRegistry {
  /** The module for a route's provider segment, or undefined (→ 404). */
  get(name: string): ProviderModule | undefined;
  readonly names: readonly string[];
  readonly modules: readonly ProviderModule[];
}

/** A registry of `modules` (names must be unique). Own-property lookups only, so `constructor` is unknown. */
export function registryOf(modules: readonly ProviderModule[]): ProviderRegistry {
  const byName = new Map<string, ProviderModule>();
  for (const module of modules) {
    if (byName.has(module.name)) throw new Error(`provider "${module.name}" is registered twice`);
    byName.set(module.name, module);
  }
  return { get: (name) => byName.get(name), names: [...byName.keys()], modules: [...byName.values()] };
}

/** The built-ins plus the configured providers (already validated by configured/config-schema.ts). */
export function providerRegistry(configured: ConfiguredProviders = {}): ProviderRegistry {
  return registryOf([...builtInProviders, ...Object.entries(configured).map(([name, config]) => configuredModule(name, config) as ProviderModule)]);
}

/** The built-ins alone: for code that has no configured providers in reach (tests, the bench). */
export const builtInRegistry: ProviderRegistry = providerRegistry();
