/**
 * The providers and their trust material, wired from a function's environment as read by its lambda/config schema:
 * the same for the receiver, the fan-out and watchdog (which only need the registry for wording and deadlines), the
 * local stack and the tools. Generic: every provider-specific fact (variable names, defaults, key parsing) comes
 * from its module.
 */
import { envNames } from '../contracts';
import { CachedSecretsManagerSource, StaticSecretSource } from '../adapters/secret-source';
import type { ReceiverEnv } from '../config/receiver-env';
import type { SecretSource } from '../core/ports';
import { providerRegistry, type ProviderRegistry } from '../core/providers';
import { parseProvidersConfig } from '../core/providers/configured/config-schema';
import { trustResolver, type TrustResolver } from '../core/trust';
import type { KeyObject } from 'node:crypto';

/** Built-ins plus the configured providers in `PROVIDERS` (validated; a bad value fails loudly, naming the field). */
export function providersOf(config: { readonly [envNames.providers]?: string | undefined }): ProviderRegistry {
  const text = config[envNames.providers];
  return providerRegistry(text ? parseProvidersConfig(text, envNames.providers) : {});
}

/**
 * Keys parsed once (a module's variable, else its documented default); secrets from Secrets Manager with a cache
 * of `cacheTtlMs` when an ARN is set (AWS), else from the local stack's environment.
 */
export function trustOf(config: ReceiverEnv, providers: ProviderRegistry, cacheTtlMs: number): TrustResolver {
  // A built-in names its own variables (its TrustSpec); the receiver's schema holds them.
  const own = config as Readonly<Record<string, unknown>>;
  const text = (name: string | undefined) => (name && typeof own[name] === 'string' ? (own[name] as string) : undefined);
  const publicKeys: Record<string, readonly KeyObject[]> = {};
  const secrets: Record<string, SecretSource> = {};
  const arns = config[envNames.providerSecretArns] ?? {};
  const local = config[envNames.providerSecrets] ?? {};
  for (const module of providers.modules) {
    const spec = module.trust;
    if (spec.kind === 'public-keys') {
      publicKeys[module.name] = spec.parse(text(spec.envName) || spec.defaultPem);
      continue;
    }
    const arn = Object.hasOwn(arns, module.name) ? arns[module.name] : undefined;
    const listed = text(spec.localEnvName) ?? (Object.hasOwn(local, module.name) ? local[module.name] : undefined);
    if (arn) secrets[module.name] = new CachedSecretsManagerSource(arn, cacheTtlMs);
    else if (listed !== undefined) secrets[module.name] = new StaticSecretSource(listed);
  }
  return trustResolver({ publicKeys, secrets });
}
