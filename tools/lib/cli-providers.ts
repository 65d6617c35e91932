/**
 * The providers the CLIs know: the built-ins plus the configured ones of the stack they talk to. Configured
 * providers come from `LOCAL_PROVIDERS` (as for `npm start`), else the `providers.json` the local stack writes next
 * to its outputs file, else cdk.json's `providers` context (a deployed stack's configuration).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { providersFileBeside } from '../../lambda/contracts';
import { providerRegistry, type ProviderRegistry } from '../../lambda/core/providers';
import { parseProvidersConfig, type ConfiguredProviders } from '../../lambda/core/providers/configured/config-schema';

const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

export function configuredProvidersForCli(outputsFile: string | undefined, env: NodeJS.ProcessEnv = process.env): ConfiguredProviders {
  if (env.LOCAL_PROVIDERS) return parseProvidersConfig(env.LOCAL_PROVIDERS, 'LOCAL_PROVIDERS');
  const recorded = outputsFile === undefined ? undefined : providersFileBeside(outputsFile);
  if (recorded !== undefined && existsSync(recorded)) return parseProvidersConfig(readFileSync(recorded, 'utf8'), recorded);
  const cdkJson = path.join(PROJECT_ROOT, 'cdk.json');
  const context = existsSync(cdkJson) ? (JSON.parse(readFileSync(cdkJson, 'utf8')) as { context?: { providers?: unknown } }).context : undefined;
  return context?.providers === undefined ? {} : parseProvidersConfig(context.providers, 'cdk.json providers');
}

export function cliProviders(outputsFile: string | undefined, env: NodeJS.ProcessEnv = process.env): ProviderRegistry {
  return providerRegistry(configuredProvidersForCli(outputsFile, env));
}
