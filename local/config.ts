/**
 * The local stack's environment (docs/ARCHITECTURE.md "Local stack"): validated once, with messages that name the
 * variable.
 */
import path from 'node:path';
import { z } from 'zod';
import { ALERT_DEFAULTS, envNames, issueLines } from '../lambda/contracts';
import { providerRegistry } from '../lambda/core/providers';
import { builtInTrustGiven } from './receiver-env';
import { parseStallDeadlines } from '../lambda/core/watchdog';
import {
  checkProviderSecrets,
  parseProvidersConfig,
  parseProviderSecrets,
  type ConfiguredProviders,
  type ConfiguredProviderSecrets,
} from '../lambda/core/providers/configured/config-schema';

/**
 * The functions' own settings, the same as the deploy context keys (retry window, quarantine, retention): passed to
 * the functions as given, whose schemas (lambda/config/) check them and hold their defaults.
 */
const FunctionSettingsSchema = z.object({
  [envNames.retryWindowSeconds]: z.string().optional(),
  [envNames.retryWindowSecondsAlias]: z.string().optional(),
  [envNames.quarantineHourlyCap]: z.string().optional(),
  [envNames.quarantineRetentionDays]: z.string().optional(),
  [envNames.eventRetentionDays]: z.string().optional(),
});
export type LocalFunctionSettings = z.infer<typeof FunctionSettingsSchema>;

/** The functions' settings in `env` (the local stack's environment; replay reads the same). */
export function localFunctionSettings(env: NodeJS.ProcessEnv): LocalFunctionSettings {
  const given = FunctionSettingsSchema.parse(env);
  return Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined));
}

export const LocalEnvSchema = z.object({
  LOCAL_STATE_DIR: z.string().min(1).default('.local'),
  LOCAL_OUTPUTS_FILE: z.string().min(1).optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Print each notification as the e-mail would read (on by default). */
  LOCAL_CONSOLE_SUBSCRIBER: z.enum(['on', 'off', 'true', 'false', '1', '0']).default('on'),
  /** Stream poll interval in ms. */
  LOCAL_STREAM_POLL_MS: z.coerce.number().int().positive().default(200),
  /** Providers declared by configuration: the same JSON as the deploy context key `providers`. */
  LOCAL_PROVIDERS: z.string().min(1).optional(),
  /** Their secrets: JSON object from provider name to an array of secrets (several during rotation). */
  LOCAL_PROVIDER_SECRETS: z.string().min(1).optional(),
  /** Stall deadline overrides, the same JSON as the `stallDeadlines` deploy setting. */
  LOCAL_STALL_DEADLINES: z.string().optional(),
  /** Individual alerts per window on the job-alerts topic before the window's digest (deploy: alertsPerWindow). */
  LOCAL_ALERTS_PER_WINDOW: z.coerce.number().int().min(0).default(ALERT_DEFAULTS.perWindow),
  /** Alert window in seconds (deploy: alertWindowMinutes), short locally to see a digest in seconds. */
  LOCAL_ALERT_WINDOW_SECONDS: z.coerce
    .number()
    .int()
    .positive()
    .max(86_400)
    .default(ALERT_DEFAULTS.windowMinutes * 60),
  /** Statuses that alert people, comma-separated (deploy: alertStatuses). */
  LOCAL_ALERT_STATUSES: z.string().min(1).default(ALERT_DEFAULTS.statuses.join(',')),
});

export interface LocalConfig {
  stateDir: string;
  outputsFile: string;
  port: number;
  /** Each built-in's own trust variable (PANJAYA_PUBLIC_KEYS, CONTENTOR_WEBHOOK_SECRETS: named by its module), by provider. */
  builtInTrust: Readonly<Record<string, string | undefined>>;
  consoleSubscriber: boolean;
  streamPollMs: number;
  /** Configured providers (validated; empty when none). */
  providers: ConfiguredProviders;
  providerSecrets: ConfiguredProviderSecrets;
  /** LOCAL_STALL_DEADLINES as given (checked here, so a bad one stops the start naming that variable). */
  stallDeadlines?: string;
  alerts: { perWindow: number; windowSeconds: number; statuses: string };
  /** The receiver's and watchdog's settings as given (checked by their own schemas). */
  functionSettings: LocalFunctionSettings;
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
  // Checked against the configured providers too: deadlines may name their statuses.
  parseStallDeadlines(e.LOCAL_STALL_DEADLINES, 'LOCAL_STALL_DEADLINES', providerRegistry(providers));
  return {
    stateDir,
    outputsFile: path.resolve(e.LOCAL_OUTPUTS_FILE ?? path.join(stateDir, 'outputs.json')),
    port: e.PORT,
    builtInTrust: builtInTrustGiven(env),
    consoleSubscriber: ['on', 'true', '1'].includes(e.LOCAL_CONSOLE_SUBSCRIBER),
    streamPollMs: e.LOCAL_STREAM_POLL_MS,
    providers,
    providerSecrets,
    stallDeadlines: e.LOCAL_STALL_DEADLINES,
    alerts: { perWindow: e.LOCAL_ALERTS_PER_WINDOW, windowSeconds: e.LOCAL_ALERT_WINDOW_SECONDS, statuses: e.LOCAL_ALERT_STATUSES },
    functionSettings: localFunctionSettings(env),
  };
}
