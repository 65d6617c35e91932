/**
 * The providers and their trust material, wired from a function's environment: the same for the receiver, the
 * fan-out and watchdog (which only need the registry for wording and deadlines), the local stack and the tools.
 * Generic: every provider-specific fact (variable names, defaults, key parsing) comes from its module.
 */
import { envNames } from '../contracts';
import { CachedSecretsManagerSource, StaticSecretSource } from '../adapters/secret-source';
import type { SecretSource } from '../core/ports';
import { providerRegistry, type ProviderRegistry } from '../core/providers';
import { parseProvidersConfig } from '../core/providers/configured/config-schema';
import { trustResolver, type TrustResolver } from '../core/trust';
import type { KeyObject } from 'node:crypto';

type Env = Readonly<Record<string, string | undefined>>;

/** Built-ins plus the configured providers in `PROVIDERS` (validated; a bad value fails loudly, naming the field). */
export function providersFromEnv(env: Env = process.env): ProviderRegistry {
  const text = env[envNames.providers];
  return providerRegistry(text ? parseProvidersConfig(text, envNames.providers) : {});
}

function jsonMap(env: Env, name: string): Record<string, unknown> {
  const text = env[name];
  if (!text) return {};
  const value: unknown = JSON.parse(text);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error(`${name} must be a JSON object by provider name`);
  return value as Record<string, unknown>;
}

/**
 * Keys parsed once (a module's variable, else its documented default); secrets from Secrets Manager with a cache
 * of `cacheTtlMs` when an ARN is set (AWS), else from the local stack's environment.
 */
export function trustFromEnv(env: Env, providers: ProviderRegistry, cacheTtlMs: number): TrustResolver {
  const publicKeys: Record<string, readonly KeyObject[]> = {};
  const secrets: Record<string, SecretSource> = {};
  const arns = jsonMap(env, envNames.providerSecretArns);
  const local = jsonMap(env, envNames.providerSecrets);
  for (const module of providers.modules) {
    const spec = module.trust;
    if (spec.kind === 'public-keys') {
      publicKeys[module.name] = spec.parse(env[spec.envName] || spec.defaultPem);
      continue;
    }
    const arn = (spec.arnEnvName ? env[spec.arnEnvName] : undefined) ?? arns[module.name];
    const listed = (spec.localEnvName ? env[spec.localEnvName] : undefined) ?? local[module.name];
    if (typeof arn === 'string' && arn !== '') secrets[module.name] = new CachedSecretsManagerSource(arn, cacheTtlMs);
    else if (typeof listed === 'string' || (Array.isArray(listed) && listed.every((s) => typeof s === 'string')))
      secrets[module.name] = new StaticSecretSource(listed);
  }
  return trustResolver({ publicKeys, secrets });
}
