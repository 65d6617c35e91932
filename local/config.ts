/**
 * The local stack's environment (docs/ARCHITECTURE.md "Local stack"): validated once, with messages that name the
 * variable.
 */
import path from 'node:path';
import { z } from 'zod';
import { issueLines } from '../lambda/contracts';
import {
  checkProviderSecrets,
  parseProvidersConfig,
  parseProviderSecrets,
  type ConfiguredProviders,
  type ConfiguredProviderSecrets,
} from '../lambda/core/providers/configured/config-schema';

export const LocalEnvSchema = z.object({
  LOCAL_STATE_DIR: z.string().min(1).default('.local'),
  LOCAL_OUTPUTS_FILE: z.string().min(1).optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PANJAYA_PUBLIC_KEYS: z.string().min(1).optional(),
  CONTENTOR_WEBHOOK_SECRETS: z.string().min(1).optional(),
  /** Print each notification as the e-mail would read (on by default). */
  LOCAL_CONSOLE_SUBSCRIBER: z.enum(['on', 'off', 'true', 'false', '1', '0']).default('on'),
  /** Stream poll interval in ms. */
  LOCAL_STREAM_POLL_MS: z.coerce.number().int().positive().default(200),
  /** Providers declared by configuration: the same JSON as the deploy context key `providers`. */
  LOCAL_PROVIDERS: z.string().min(1).optional(),
  /** Their secrets: JSON object from provider name to an array of secrets (several during rotation). */
  LOCAL_PROVIDER_SECRETS: z.string().min(1).optional(),
});

export interface LocalConfig {
  stateDir: string;
  outputsFile: string;
  port: number;
  panjayaPublicKeys?: string;
  contentorSecrets?: string;
  consoleSubscriber: boolean;
  streamPollMs: number;
  /** Configured providers (validated; empty when none). */
  providers: ConfiguredProviders;
  providerSecrets: ConfiguredProviderSecrets;
}

export function readLocalConfig(env: NodeJS.ProcessEnv = process.env): LocalConfig {
  const parsed = LocalEnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(issueLines(parsed.error.issues).join('; '));
  }
  const e = parsed.data;
  const stateDir = path.resolve(e.LOCAL_STATE_DIR);
  // A bad declaration stops `npm start` with one line per problem (provider, field, fix), as `cdk synth` does.
  const providers = e.LOCAL_PROVIDERS ? parseProvidersConfig(e.LOCAL_PROVIDERS, 'LOCAL_PROVIDERS') : {};
  const providerSecrets = e.LOCAL_PROVIDER_SECRETS ? parseProviderSecrets(e.LOCAL_PROVIDER_SECRETS, 'LOCAL_PROVIDER_SECRETS') : {};
  checkProviderSecrets(providers, providerSecrets, 'LOCAL_PROVIDER_SECRETS');
  return {
    stateDir,
    outputsFile: path.resolve(e.LOCAL_OUTPUTS_FILE ?? path.join(stateDir, 'outputs.json')),
    port: e.PORT,
    panjayaPublicKeys: e.PANJAYA_PUBLIC_KEYS,
    contentorSecrets: e.CONTENTOR_WEBHOOK_SECRETS,
    consoleSubscriber: ['on', 'true', '1'].includes(e.LOCAL_CONSOLE_SUBSCRIBER),
    streamPollMs: e.LOCAL_STREAM_POLL_MS,
    providers,
    providerSecrets,
  };
}
