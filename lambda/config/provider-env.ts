import * as z from 'zod/mini';
import '../core/zod-locale';
import { envNames } from '../contracts';
import { builtInProviders } from '../core/providers';
import type { ProviderModule } from '../core/providers/provider';

/** JSON text holding a value of `schema` (messages name the variable through the object schema's path). */
function jsonText<T extends z.ZodMiniType>(schema: T) {
  const parsed = z.pipe(
    z.string(),
    z.transform((text: string, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.issues.push({ code: 'custom', message: 'must be JSON', input: text });
        return z.NEVER;
      }
    }),
  );
  return z.pipe(parsed, schema);
}

/** Every function reads the configured providers (the receiver to verify, the fan-out and watchdog for wording and deadlines). */
export const providerEnvShape = {
  /** Validated by the configured providers' own schema (providers/configured/config-schema.ts), which names each field. */
  [envNames.providers]: z.optional(z.string()),
};

/** The receiver's part: where the configured providers' secrets come from (one of the two; neither when none are configured). */
export const providerTrustEnvShape = {
  [envNames.providerSecretArns]: z.optional(jsonText(z.record(z.string(), z.string().check(z.minLength(1))))),
  [envNames.providerSecrets]: z.optional(jsonText(z.record(z.string(), z.union([z.string(), z.array(z.string())])))),
};

/** A built-in's own trust variable: its public keys, or its local secrets list. */
export function trustEnvNameOf(module: ProviderModule): string | undefined {
  return module.trust.kind === 'public-keys' ? module.trust.envName : module.trust.localEnvName;
}

/**
 * The built-ins' own trust variables, as their modules name them (`trust`): public keys, or a local secrets list.
 * Typed as no keys so the functions' typed environments keep their exact shape; hosts set them through
 * {@link builtInTrustEnv} and the wiring reads them by the names in the modules (handlers/provider-wiring.ts).
 */
export const builtInTrustEnvShape = Object.fromEntries(
  builtInProviders.flatMap((module) => {
    const name = trustEnvNameOf(module);
    return name ? [[name, z.optional(z.string().check(z.minLength(1)))]] : [];
  }),
) as Record<never, never>;

/** The built-ins' own trust variable names (envNames holds the rest of the functions' variables). */
export const builtInTrustEnvNames: readonly string[] = builtInProviders.flatMap((module) => trustEnvNameOf(module) ?? []);

/** Values for the built-ins' own trust variables, by provider name → variable (undefined ones left out). */
export function builtInTrustEnv(values: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const module of builtInProviders) {
    const name = trustEnvNameOf(module);
    const value = Object.hasOwn(values, module.name) ? values[module.name] : undefined;
    if (name && value !== undefined) env[name] = value;
  }
  return env;
}

/**
 * Every built-in with shared secrets needs a source: its ARN in PROVIDER_SECRET_ARNS (AWS), or its own variable or
 * PROVIDER_SECRETS entry (local stack). A configured provider without one is refused per delivery instead (core/trust.ts).
 */
export function missingBuiltInSecrets(env: Readonly<Record<string, unknown>>): string[] {
  const arns = (env[envNames.providerSecretArns] ?? {}) as Record<string, unknown>;
  const local = (env[envNames.providerSecrets] ?? {}) as Record<string, unknown>;
  return builtInProviders.flatMap((module) => {
    if (module.trust.kind !== 'secrets') return [];
    const own = module.trust.localEnvName;
    if (Object.hasOwn(arns, module.name) || Object.hasOwn(local, module.name) || (own && env[own])) return [];
    const local_ = own ? `${own} or ${envNames.providerSecrets}.${module.name}` : `${envNames.providerSecrets}.${module.name}`;
    return [`no secret for ${module.label}: set ${envNames.providerSecretArns}.${module.name} (AWS) or ${local_} (local stack)`];
  });
}
