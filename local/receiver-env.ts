/**
 * The receiver's environment on this machine, for the local stack and for replay against it: one place, so both
 * trust the same keys and secrets. Each built-in's trust comes from its own variable when set (its module names it:
 * PANJAYA_PUBLIC_KEYS, CONTENTOR_WEBHOOK_SECRETS), else from the development material in the state dir
 * (local/dev-credentials.ts): a key-pair provider trusts its documented key plus the development key, a
 * shared-secret provider its development secret, unless LOCAL_PROVIDER_SECRETS names its secrets.
 */
import type { ReceiverEnvInput } from '../lambda/config/receiver-env';
import { builtInTrustEnv, trustEnvNameOf } from '../lambda/config/provider-env';
import { envNames } from '../lambda/contracts';
import { builtInProviders } from '../lambda/core/providers';
import { parseProviderSecrets, type ConfiguredProviders } from '../lambda/core/providers/configured/config-schema';
import type { LocalFunctionSettings } from './config';
import { readDevPublicKey, readDevSigningMaterial } from './dev-credentials';

export interface LocalReceiverSettings {
  readonly tableName: string;
  readonly dynamoEndpoint: string;
  readonly stateDir: string;
  /** Each built-in's own trust variable as given, by provider name ({@link builtInTrustGiven}): replaces its development material. */
  readonly builtInTrust: Readonly<Record<string, string | undefined>>;
  readonly providers: ConfiguredProviders;
  /** Secrets by provider name, as JSON text (`LOCAL_PROVIDER_SECRETS`): configured providers, or a built-in's own. */
  readonly providerSecrets?: string;
  readonly functionSettings: LocalFunctionSettings;
}

/** Each built-in's own trust variable in `env`, by provider name (unset ones undefined). */
export function builtInTrustGiven(env: NodeJS.ProcessEnv): Record<string, string | undefined> {
  return Object.fromEntries(
    builtInProviders.map((module) => {
      const name = trustEnvNameOf(module);
      const value = name ? env[name] : undefined;
      return [module.name, value === '' ? undefined : value];
    }),
  );
}

export function localReceiverEnv(settings: LocalReceiverSettings): ReceiverEnvInput {
  const given = settings.builtInTrust;
  const listed = settings.providerSecrets ? parseProviderSecrets(settings.providerSecrets, 'LOCAL_PROVIDER_SECRETS') : {};
  const publicKeys: Record<string, string> = {};
  const secrets: Record<string, readonly string[]> = { ...listed };
  for (const module of builtInProviders) {
    const own = Object.hasOwn(given, module.name) ? given[module.name] : undefined;
    if (module.trust.kind === 'public-keys') {
      const dev = readDevPublicKey(settings.stateDir, module);
      publicKeys[module.name] = own ?? `${module.trust.defaultPem.trim()}\n${dev?.trim() ?? ''}\n`;
      continue;
    }
    const fromOwn = own
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const dev = readDevSigningMaterial(settings.stateDir, module);
    const chosen = fromOwn ?? (Object.hasOwn(listed, module.name) ? listed[module.name] : undefined) ?? (dev ? [dev] : undefined);
    if (!chosen)
      throw new Error(
        `no ${module.label} secret: set ${module.trust.localEnvName ?? `LOCAL_PROVIDER_SECRETS.${module.name}`} as for npm start (no development secret in ${settings.stateDir})`,
      );
    secrets[module.name] = chosen;
  }
  return {
    ...settings.functionSettings,
    [envNames.tableName]: settings.tableName,
    [envNames.dynamoDbEndpoint]: settings.dynamoEndpoint,
    ...builtInTrustEnv(publicKeys),
    [envNames.providers]: JSON.stringify(settings.providers),
    ...(Object.keys(secrets).length > 0 ? { [envNames.providerSecrets]: JSON.stringify(secrets) } : {}),
  };
}
