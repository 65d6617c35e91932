/**
 * The receiver's environment on this machine, for the local stack and for replay against it: one place, so both
 * trust the same keys and secrets. Unset, Panjaya trusts its documented key plus the development key in the state
 * dir, and Contentor the development secret there (local/dev-credentials.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import type { ReceiverEnvInput } from '../lambda/config/receiver-env';
import { envNames } from '../lambda/contracts';
import type { ConfiguredProviders } from '../lambda/core/providers/configured/config-schema';
import { PANJAYA_DEFAULT_PUBLIC_KEY_PEM } from '../lambda/core/providers/panjaya';
import type { LocalFunctionSettings } from './config';
import { devCredentialPaths, readDevContentorSecret } from './dev-credentials';

export interface LocalReceiverSettings {
  readonly tableName: string;
  readonly dynamoEndpoint: string;
  readonly stateDir: string;
  /** PANJAYA_PUBLIC_KEYS as given: replaces the documented and development keys. */
  readonly panjayaPublicKeys?: string;
  /** CONTENTOR_WEBHOOK_SECRETS as given: replaces the development secret. */
  readonly contentorSecrets?: string;
  readonly providers: ConfiguredProviders;
  /** The configured providers' secrets, as JSON text (`LOCAL_PROVIDER_SECRETS`). */
  readonly providerSecrets?: string;
  readonly functionSettings: LocalFunctionSettings;
}

function localPanjayaKeys(stateDir: string): string {
  const devKey = devCredentialPaths(stateDir).panjayaPublicKey;
  return `${PANJAYA_DEFAULT_PUBLIC_KEY_PEM.trim()}\n${existsSync(devKey) ? readFileSync(devKey, 'utf8').trim() : ''}\n`;
}

export function localReceiverEnv(settings: LocalReceiverSettings): ReceiverEnvInput {
  const contentorSecrets = settings.contentorSecrets ?? readDevContentorSecret(settings.stateDir);
  if (!contentorSecrets)
    throw new Error(`no Contentor secret: set ${envNames.contentorSecrets} as for npm start (no development secret in ${settings.stateDir})`);
  return {
    ...settings.functionSettings,
    [envNames.tableName]: settings.tableName,
    [envNames.dynamoDbEndpoint]: settings.dynamoEndpoint,
    [envNames.panjayaPublicKeys]: settings.panjayaPublicKeys ?? localPanjayaKeys(settings.stateDir),
    [envNames.contentorSecrets]: contentorSecrets,
    [envNames.providers]: JSON.stringify(settings.providers),
    ...(settings.providerSecrets ? { [envNames.providerSecrets]: settings.providerSecrets } : {}),
  };
}
