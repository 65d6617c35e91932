import { z } from 'zod';
import { didYouMean } from '../lambda/core/closest-match';
import {
  ALERT_DEFAULTS,
  DEFAULT_EVENT_RETENTION_DAYS,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_SECRET_CACHE_TTL_SECONDS,
  MAX_STORABLE_BODY_BYTES,
} from '../lambda/contracts';
import { readPanjayaKeys } from './panjaya-keys';
import { alertableStatuses, type AlertableStatus } from '../lambda/core/alerts';
import { PANJAYA_DEFAULT_PUBLIC_KEY_PEM } from '../lambda/core/providers/panjaya';
import { QUARANTINE_DEFAULTS } from '../lambda/core/quarantine';
import { DEFAULT_RETRY_WINDOW_SECONDS } from '../lambda/core/write-plan';
import { parseStallDeadlines, StallDeadlinesError } from '../lambda/core/watchdog';
import { providerRegistry } from '../lambda/core/providers';
import { parseProvidersConfig, ProvidersConfigError } from '../lambda/core/providers/configured/config-schema';

/**
 * Panjaya's callback-signing public key as published in their callbacks document (seeds/000_*), defined once beside
 * the verifier. Public material: the default trusted key, replaced by the `panjayaPublicKeys` context value.
 */
export const PANJAYA_DOCUMENTED_PUBLIC_KEY = PANJAYA_DEFAULT_PUBLIC_KEY_PEM.trim();

/** Retention values CloudWatch Logs accepts (never-expire is left out on purpose: logs cost money forever). */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

/** One of the CloudWatch Logs retention values. */
export type LogRetentionDays = (typeof LOG_RETENTION_DAYS)[number];
const logRetentionMessage = `logRetentionDays must be one of CloudWatch's values: ${LOG_RETENTION_DAYS.join(', ')}`;

const PROVIDERS_ONE_LINE_HINT =
  'The CDK CLI passes only the first line of a multi-line -c value: give the JSON on one line, e.g. ' +
  '-c providers="$(tr -d \'\\n\' < providers.json)", or put it under "context" in cdk.json';

/** `-c` values arrive as strings; cdk.json values keep their JSON type. Accept both. */
const fromString = (value: unknown): unknown => {
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  if (trimmed === 'true') return true;
  if (trimmed === 'false') return false;
  if (/^-?\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  return trimmed;
};

const positiveInt = (key: string, fix: string) =>
  z.preprocess(
    fromString,
    z
      .number({ error: `${key} must be a number: ${fix}` })
      .int(`${key} must be a whole number: ${fix}`)
      .positive(`${key} must be positive: ${fix}`),
  );

const emailList = z.preprocess(
  (value) =>
    typeof value === 'string'
      ? value
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s.length > 0)
      : value,
  z.array(
    z.email({
      error: (issue) => `alertEmails: ${JSON.stringify(issue.input)} is not a valid e-mail address (use -c alertEmails=a@example.com,b@example.com)`,
    }),
    { error: 'alertEmails must be a list of e-mail addresses or a comma-separated string' },
  ),
);

/** `a,b` from `-c`, or a cdk.json list: trimmed entries, empty ones dropped. */
const commaList = (value: unknown): unknown =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0)
    : value;

const alertStatusList = z.preprocess(
  commaList,
  z
    .array(
      z.enum(alertableStatuses, {
        error: (issue) =>
          `alertStatuses: ${JSON.stringify(issue.input)} is not a status that alerts; use any of ${alertableStatuses.join(', ')} (e.g. -c alertStatuses=failed,stalled)`,
      }),
      { error: 'alertStatuses must be a comma-separated string or a list (e.g. -c alertStatuses=failed,stalled)' },
    )
    .min(1, `alertStatuses must name at least one of ${alertableStatuses.join(', ')} (e.g. -c alertStatuses=failed,stalled)`)
    // Unique, in the lifecycle's order: one spelling of the same choice.
    .transform((statuses): AlertableStatus[] => alertableStatuses.filter((s) => statuses.includes(s))),
);

/** AWS Chatbot channel configuration ARNs (`arn:aws:chatbot::<account>:chat-configuration/<kind>/<name>`). */
const chatConfigurationArn = (key: string, kind: 'slack-channel' | 'microsoft-teams-channel', where: string) =>
  z
    .string()
    .regex(
      new RegExp(`^arn:aws[a-z-]*:chatbot::\\d{12}:chat-configuration/${kind}/[A-Za-z0-9_-]{1,128}$`),
      `${key} must be the ARN of an existing AWS Chatbot ${where} configuration, like arn:aws:chatbot::123456789012:chat-configuration/${kind}/my-channel (aws chatbot describe-${kind === 'slack-channel' ? 'slack-channel' : 'microsoft-teams-channel'}-configurations)`,
    );

// Microsoft Entra tenant and team ids are GUIDs; the Teams channel id is `19:…@thread.tacv2`, often URL-encoded.
const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const TEAMS_CHANNEL_ID = /^19(:|%3[aA])[A-Za-z0-9_.-]+(@|%40)thread\.[a-z0-9]+$/;

/** A retry window in seconds from a context value (a string with `-c`), named in its messages. */
function retryWindow(key: string) {
  return z.preprocess(
    fromString,
    z
      .number({ error: `${key} must be a number of seconds: e.g. -c ${key}=600` })
      .int(`${key} must be a whole number of seconds`)
      .min(0, `${key} must not be negative (0 turns the window off)`)
      .max(86_400, `${key} must be at most 86400 (one day)`),
  );
}

/**
 * Deploy-time configuration. Every key is optional: defaults make `cdk synth` work with no context at all.
 * Error messages name the context key and the fix.
 */
export const DeployConfigObject = z
  .object({
    /** Addresses subscribed to the job-alerts topic and the alarm topic. */
    alertEmails: emailList.default([]),
    /** AWS Chatbot Slack workspace id (e.g. T07ABCDEF12); set together with `slackChannelId`. */
    slackWorkspaceId: z
      .string()
      .regex(/^T[A-Z0-9]{8,20}$/, 'slackWorkspaceId must look like T07ABCDEF12 (Chatbot console → workspace details)')
      .optional(),
    /** Slack channel id (e.g. C07ABCDEF12; private channels start with G). */
    slackChannelId: z
      .string()
      .regex(/^[CG][A-Z0-9]{8,20}$/, 'slackChannelId must look like C07ABCDEF12 (Slack → channel details → bottom)')
      .optional(),
    /** An existing AWS Chatbot Slack channel configuration to use instead of creating one (the stack then creates none). */
    slackChannelConfigurationArn: chatConfigurationArn('slackChannelConfigurationArn', 'slack-channel', 'Slack channel').optional(),
    /** Microsoft Teams tenant id (a GUID; Chatbot console → Microsoft Teams → the authorised team); with the team and channel ids. */
    teamsTenantId: z
      .string()
      .regex(GUID, 'teamsTenantId must be a GUID like 8f4b2c1e-0d3a-4e5f-9a6b-7c8d9e0f1a2b (AWS Chatbot console → Microsoft Teams → team details)')
      .optional(),
    /** Microsoft Teams team id (a GUID). */
    teamsTeamId: z
      .string()
      .regex(GUID, 'teamsTeamId must be a GUID like 1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d (AWS Chatbot console → Microsoft Teams → team details)')
      .optional(),
    /** Microsoft Teams channel id, `19:abc…@thread.tacv2` or URL-encoded as in the channel's link (passed on URL-encoded). */
    teamsChannelId: z
      .string()
      .regex(
        TEAMS_CHANNEL_ID,
        'teamsChannelId must look like 19:0123abcd@thread.tacv2 or its URL-encoded form 19%3a0123abcd%40thread.tacv2 (Teams → channel → Get link to channel)',
      )
      // Chatbot takes only the URL-encoded form (its API's ChannelId pattern).
      .transform((id) => id.replace(/:/g, '%3a').replace(/@/g, '%40'))
      .optional(),
    /** An existing AWS Chatbot Microsoft Teams channel configuration to use instead of creating one. */
    teamsChannelConfigurationArn: chatConfigurationArn('teamsChannelConfigurationArn', 'microsoft-teams-channel', 'Microsoft Teams channel').optional(),
    /** Normalised statuses that alert people on the job-alerts topic (a subset of succeeded, failed, stalled). */
    alertStatuses: alertStatusList.default([...ALERT_DEFAULTS.statuses]),
    /** Individual alerts per window; the window's further alert-worthy events go into one digest when it closes. */
    alertsPerWindow: z
      .preprocess(
        fromString,
        z
          .number({ error: 'alertsPerWindow must be a number: e.g. -c alertsPerWindow=10' })
          .int('alertsPerWindow must be a whole number: e.g. -c alertsPerWindow=10')
          .min(0, 'alertsPerWindow must not be negative (0 sends digests only)'),
      )
      .default(ALERT_DEFAULTS.perWindow),
    /** Length of an alert window in minutes. */
    alertWindowMinutes: positiveInt('alertWindowMinutes', 'e.g. -c alertWindowMinutes=10')
      .refine((minutes) => (minutes as number) <= 1440, 'alertWindowMinutes must be at most 1440 (one day)')
      .default(ALERT_DEFAULTS.windowMinutes),
    /**
     * Trusted Panjaya public keys (several during key rotation): PEM blocks (cdk.json, props) or single-line base64
     * SPKI bodies, comma-separated (what `-c` can carry); resolved with `panjayaPublicKeysFile` below (lib/panjaya-keys.ts).
     */
    panjayaPublicKeys: z
      .union([z.string(), z.array(z.string())], { error: 'panjayaPublicKeys must be a string (PEM blocks or base64 bodies) or a list of them' })
      .optional(),
    /** A file of concatenated PEM public keys, relative to the directory cdk runs in; its keys are trusted too. */
    panjayaPublicKeysFile: z.string({ error: 'panjayaPublicKeysFile must be a file path, e.g. -c panjayaPublicKeysFile=panjaya-keys.pem' }).optional(),
    /** Days an event item lives before DynamoDB TTL removes it (job state items do not expire). */
    eventRetentionDays: positiveInt('eventRetentionDays', 'e.g. -c eventRetentionDays=90').default(DEFAULT_EVENT_RETENTION_DAYS),
    /**
     * Seconds within which an identical body is a provider retry even if the job moved on (0 = off): Panjaya, and
     * configured providers whose events carry no id (lambda/core/write-plan.ts). Default 600.
     */
    retryWindowSeconds: retryWindow('retryWindowSeconds').optional(),
    /** The retry window's first, documented name: still accepted (not together with `retryWindowSeconds`). */
    panjayaRetryWindowSeconds: retryWindow('panjayaRetryWindowSeconds').optional(),
    /** What happens to the table and the secret when the stack is deleted. */
    removalPolicy: z.enum(['retain', 'destroy'], { error: 'removalPolicy must be "retain" or "destroy"' }).default('retain'),
    /** DynamoDB deletion protection on the table. */
    deletionProtection: z.preprocess(fromString, z.boolean({ error: 'deletionProtection must be true or false' })).default(true),
    /**
     * Steady-state requests per second for the whole API. Providers send one callback per status change, so a few
     * per second is normal; the cap bounds what a flood of unsigned junk can cost (each request is a Lambda
     * invocation before the signature check rejects it). Throttled providers get 429 and retry.
     */
    throttleRateLimit: positiveInt('throttleRateLimit', 'e.g. -c throttleRateLimit=50').default(50),
    /** Short burst allowance: a batch of jobs finishing together. */
    throttleBurstLimit: positiveInt('throttleBurstLimit', 'e.g. -c throttleBurstLimit=100').default(100),
    /** CloudWatch Logs retention for function and access logs. */
    logRetentionDays: z
      .preprocess(
        fromString,
        z.number({ error: logRetentionMessage }).refine((days): days is LogRetentionDays => (LOG_RETENTION_DAYS as readonly number[]).includes(days), {
          error: logRetentionMessage,
        }),
      )
      .default(30),
    /** Largest accepted request body in bytes; larger gets 413. */
    maxBodyBytes: positiveInt('maxBodyBytes', 'e.g. -c maxBodyBytes=262144')
      .refine(
        (bytes) => (bytes as number) <= MAX_STORABLE_BODY_BYTES,
        `maxBodyBytes must be at most ${MAX_STORABLE_BODY_BYTES}: each body is stored whole in one DynamoDB item (400 KB limit)`,
      )
      .default(DEFAULT_MAX_BODY_BYTES),
    /** How long the receiver caches the Contentor secret; a rotated secret is picked up within this time. */
    secretCacheTtlSeconds: positiveInt('secretCacheTtlSeconds', 'e.g. -c secretCacheTtlSeconds=60').default(DEFAULT_SECRET_CACHE_TTL_SECONDS),
    /** Days a refused (401/400) delivery stays in the quarantine for `npm run replay` (lambda/core/quarantine.ts). */
    quarantineRetentionDays: positiveInt('quarantineRetentionDays', 'e.g. -c quarantineRetentionDays=14').default(QUARANTINE_DEFAULTS.retentionDays),
    /**
     * Refused deliveries kept per provider route and hour; past it they are only counted, so junk cannot run up the
     * bill (docs/SECURITY.md has the worst case). 0 turns the quarantine off.
     */
    quarantineHourlyCap: z
      .preprocess(
        fromString,
        z
          .number({ error: 'quarantineHourlyCap must be a number: e.g. -c quarantineHourlyCap=100' })
          .int('quarantineHourlyCap must be a whole number: e.g. -c quarantineHourlyCap=100')
          .min(0, 'quarantineHourlyCap must not be negative (0 turns the quarantine off)'),
      )
      .default(QUARANTINE_DEFAULTS.hourlyCap),
    /**
     * Watchdog deadlines per provider status, merged over the defaults (lambda/core/watchdog/deadlines.ts), e.g.
     * `{"contentor":{"processing":"3h"},"panjaya":{"version_ready":"off"}}`; messages name the bad entry.
     */
    // Resolved below, once the providers (configured ones may be named here) are known.
    stallDeadlines: z.unknown().optional(),
    /**
     * Providers declared by configuration alone (lambda/core/providers/configured/config-schema.ts): route name →
     * label, signature scheme, JSON Pointers and status map. Each gets its route, its own Secrets Manager secret and
     * everything the built-ins have; messages name the provider, the field and the fix.
     */
    providers: z
      .unknown()
      .transform((value, ctx) => {
        try {
          return parseProvidersConfig(value, 'providers');
        } catch (error) {
          if (!(error instanceof ProvidersConfigError)) throw error;
          for (const problem of error.problems) {
            // The CLI cuts a multi-line -c value after its first line (lib/panjaya-keys.ts): say so where it shows.
            const cut = typeof value === 'string' && problem.includes('not valid JSON');
            ctx.addIssue({ code: 'custom', message: cut ? `${problem}. ${PROVIDERS_ONE_LINE_HINT}` : problem });
          }
          return z.NEVER;
        }
      })
      // Absent: parse `{}` (no configured providers) rather than skip the transform.
      .prefault({}),
    /** Minutes between watchdog sweeps (a stall is reported at most this long after its deadline). */
    watchdogIntervalMinutes: positiveInt('watchdogIntervalMinutes', 'e.g. -c watchdogIntervalMinutes=5')
      .refine((minutes) => (minutes as number) <= 1440, 'watchdogIntervalMinutes must be at most 1440 (one day)')
      .default(5),
  })
  .strict();

export const DeployConfigSchema = DeployConfigObject.superRefine((config, ctx) => {
  if ((config.slackWorkspaceId === undefined) !== (config.slackChannelId === undefined)) {
    ctx.addIssue({
      code: 'custom',
      path: ['slackChannelId'],
      message: 'slackWorkspaceId and slackChannelId: set both (Slack notifications on) or neither (off)',
    });
  }
  if (config.slackChannelConfigurationArn !== undefined && (config.slackWorkspaceId !== undefined || config.slackChannelId !== undefined)) {
    ctx.addIssue({
      code: 'custom',
      path: ['slackChannelConfigurationArn'],
      message:
        "slackChannelConfigurationArn and slackWorkspaceId/slackChannelId: give the existing configuration's ARN (the stack creates none) or the workspace and channel ids (the stack creates one), not both",
    });
  }
  const teamsIds = { teamsTenantId: config.teamsTenantId, teamsTeamId: config.teamsTeamId, teamsChannelId: config.teamsChannelId };
  const givenTeamsIds = Object.entries(teamsIds).filter(([, value]) => value !== undefined);
  if (givenTeamsIds.length > 0 && givenTeamsIds.length < 3) {
    const missing = Object.entries(teamsIds)
      .filter(([, value]) => value === undefined)
      .map(([key]) => key);
    ctx.addIssue({
      code: 'custom',
      path: [missing[0] ?? 'teamsChannelId'],
      message: `teamsTenantId, teamsTeamId and teamsChannelId: set all three (Microsoft Teams notifications on) or none; missing ${missing.join(', ')}`,
    });
  }
  if (config.teamsChannelConfigurationArn !== undefined && givenTeamsIds.length > 0) {
    ctx.addIssue({
      code: 'custom',
      path: ['teamsChannelConfigurationArn'],
      message:
        "teamsChannelConfigurationArn and teamsTenantId/teamsTeamId/teamsChannelId: give the existing configuration's ARN (the stack creates none) or the three ids (the stack creates one), not both",
    });
  }
  if (config.retryWindowSeconds !== undefined && config.panjayaRetryWindowSeconds !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['panjayaRetryWindowSeconds'],
      message: 'panjayaRetryWindowSeconds is the former name of retryWindowSeconds: give retryWindowSeconds only',
    });
  }
  if (config.throttleBurstLimit < config.throttleRateLimit) {
    ctx.addIssue({
      code: 'custom',
      path: ['throttleBurstLimit'],
      message: 'throttleBurstLimit must be at least throttleRateLimit',
    });
  }
}).transform((config, ctx) => {
  const panjaya = readPanjayaKeys(config.panjayaPublicKeys, config.panjayaPublicKeysFile, PANJAYA_DOCUMENTED_PUBLIC_KEY);
  for (const message of panjaya.problems) ctx.addIssue({ code: 'custom', message });
  try {
    // Deadlines may name configured providers' statuses: resolved against the built-ins plus those.
    const stallDeadlines = parseStallDeadlines(config.stallDeadlines ?? {}, 'stallDeadlines', providerRegistry(config.providers));
    const { panjayaRetryWindowSeconds, ...rest } = config;
    const retryWindowSeconds = config.retryWindowSeconds ?? panjayaRetryWindowSeconds ?? DEFAULT_RETRY_WINDOW_SECONDS;
    return panjaya.problems.length > 0 ? z.NEVER : { ...rest, retryWindowSeconds, panjayaPublicKeys: panjaya.keys, stallDeadlines };
  } catch (error) {
    if (!(error instanceof StallDeadlinesError)) throw error;
    ctx.addIssue({ code: 'custom', path: ['stallDeadlines'], message: error.message });
    return z.NEVER;
  }
});

/** The raw, unvalidated configuration (what cdk.json or a caller of the construct passes). */
/** Validated configuration with every default filled in. */
export type DeployConfig = z.output<typeof DeployConfigSchema>;

/**
 * The deployed receiver's public keys, by provider: the built-ins whose trust is a key pair, from their deploy
 * settings (Panjaya's `panjayaPublicKeys` / `panjayaPublicKeysFile`, documented names). The construct and replay
 * against a deployed stack both read them here.
 */
export function deployedPublicKeys(config: Pick<DeployConfig, 'panjayaPublicKeys'>): Record<string, string> {
  return { panjaya: config.panjayaPublicKeys.join('\n') };
}

/** A context key this app reads: every key of {@link DeployConfigSchema}, so a key added there is known everywhere. */
export type ContextKey = keyof typeof DeployConfigObject.shape & string;

/** The context keys this app reads (cdk.json `context` or `cdk deploy -c key=value`), derived from the schema. */
export const contextKeys = Object.keys(DeployConfigObject.shape) as readonly ContextKey[];

/**
 * Context keys that belong to CDK, not to us: feature flags (`@aws-cdk/…`), CLI and lookup keys (`aws:cdk:…`,
 * `availability-zones:account=…`: anything with a colon), and the CDK CLI's own settings.
 */
export function isCdkContextKey(key: string): boolean {
  return (
    key.includes(':') || /^(@aws-cdk|aws-cdk|@aws-cdk-containers|cdk)/.test(key) || ['acknowledged-issue-numbers', 'cli-telemetry', 'notices'].includes(key)
  );
}

/** `alertEmailz (did you mean alertEmails?)` for each key that is neither ours nor CDK's. */
function unknownKeyLines(keys: readonly string[]): string[] {
  return keys.map((key) => `unknown context key ${key}${didYouMean(key, contextKeys)}: known keys are ${contextKeys.join(', ')}`);
}

/** Thrown when deploy-time configuration is invalid; the message lists every problem, one per line. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`Invalid deploy configuration (cdk.json context or -c):\n  - ${problems.join('\n  - ')}`);
  }
}

/** Validates configuration; throws ConfigError naming each bad key and how to fix it. */
export function parseDeployConfig(input: unknown): DeployConfig {
  const result = DeployConfigSchema.safeParse(input ?? {});
  if (result.success) return result.data;
  const lines = result.error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') return unknownKeyLines(issue.keys);
    const key = String(issue.path[0] ?? '');
    return key && !issue.message.startsWith(key) ? `${key}: ${issue.message}` : issue.message;
  });
  return raiseConfig(lines);
}

function raiseConfig(lines: string[]): never {
  throw new ConfigError(lines);
}

/**
 * Reads the known keys from a CDK context lookup (e.g. `(k) => app.node.tryGetContext(k)`) and validates them.
 * `presentKeys` (e.g. `Object.keys(app.node.getAllContext())`): every key set in cdk.json, cdk.context.json or `-c`;
 * one that is neither ours nor CDK's fails, naming the closest valid key, so `-c alertEmailz=…` cannot deploy a stack
 * that quietly has no e-mail subscription.
 */
export function configFromContext(lookup: (key: ContextKey) => unknown, presentKeys: readonly string[] = []): DeployConfig {
  const unknown = presentKeys.filter((key) => !(contextKeys as readonly string[]).includes(key) && !isCdkContextKey(key));
  const raw: Record<string, unknown> = {};
  for (const key of contextKeys) {
    const value = lookup(key);
    if (value !== undefined && value !== null && value !== '') raw[key] = value;
  }
  if (unknown.length === 0) return parseDeployConfig(raw);
  // Report the unknown keys together with any bad value, so one run shows every problem.
  let problems: string[] = [];
  try {
    parseDeployConfig(raw);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems = error.problems;
  }
  return raiseConfig([...unknownKeyLines(unknown), ...problems]);
}
