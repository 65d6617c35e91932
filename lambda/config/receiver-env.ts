import * as z from 'zod/mini';
import '../core/zod-locale';
import { DEFAULT_RETRY_WINDOW_SECONDS } from '../core/write-plan';
import { readEnv, type EnvText } from './read-env';
import { QUARANTINE_DEFAULTS } from '../core/quarantine';
import { DEFAULT_EVENT_RETENTION_DAYS, DEFAULT_MAX_BODY_BYTES, DEFAULT_SECRET_CACHE_TTL_SECONDS, envNames, MAX_STORABLE_BODY_BYTES } from '../contracts';
import { builtInTrustEnvShape, missingBuiltInSecrets, providerEnvShape, providerTrustEnvShape } from './provider-env';

const nonEmpty = () => z.string().check(z.minLength(1));
/** An integer from its environment-variable text, with the given bound checks. */
const coercedInt = (...checks: Parameters<ReturnType<typeof z.int>['check']>) => z.pipe(z.coerce.number(), z.int().check(...checks));

/**
 * The receiver's environment, read once at cold start; a missing or bad value fails loudly naming the variable.
 * Secrets come from Secrets Manager in AWS (PROVIDER_SECRET_ARNS, one secret per provider) and from the environment
 * locally (a built-in's own variable such as CONTENTOR_WEBHOOK_SECRETS, or PROVIDER_SECRETS); every built-in with
 * secrets must have one of them.
 */
export const ReceiverEnvSchema = z
  .object({
    [envNames.tableName]: nonEmpty(),
    ...builtInTrustEnvShape,
    [envNames.secretCacheTtlSeconds]: z._default(coercedInt(z.nonnegative()), DEFAULT_SECRET_CACHE_TTL_SECONDS),
    // Stored whole in one item: never past what DynamoDB can hold (contracts/env.ts).
    [envNames.maxBodyBytes]: z._default(coercedInt(z.positive(), z.lte(MAX_STORABLE_BODY_BYTES)), DEFAULT_MAX_BODY_BYTES),
    [envNames.eventRetentionDays]: z._default(coercedInt(z.positive()), DEFAULT_EVENT_RETENTION_DAYS),
    [envNames.quarantineRetentionDays]: z._default(coercedInt(z.positive()), QUARANTINE_DEFAULTS.retentionDays),
    // 0 turns the quarantine off (refusals are then only counted).
    [envNames.quarantineHourlyCap]: z._default(coercedInt(z.nonnegative()), QUARANTINE_DEFAULTS.hourlyCap),
    [envNames.retryWindowSeconds]: z.optional(coercedInt(z.nonnegative())),
    [envNames.retryWindowSecondsAlias]: z.optional(coercedInt(z.nonnegative())),
    ...providerEnvShape,
    ...providerTrustEnvShape,
    [envNames.dynamoDbEndpoint]: z.optional(z.url()),
  })
  .check(
    z.superRefine((env, ctx) => {
      for (const message of missingBuiltInSecrets(env)) ctx.addIssue({ code: 'custom', message });
    }),
  );

/** The receiver's settings as read (defaults filled in, numbers parsed). */
export type ReceiverEnv = z.infer<typeof ReceiverEnvSchema>;
/** What a host sets for the receiver: the variable names, each optional where a default or the other source applies. */
export type ReceiverEnvInput = EnvText<z.input<typeof ReceiverEnvSchema>>;

/** The retry window in force: RETRY_WINDOW_SECONDS, else its documented alias, else the default. */
export function retryWindowSecondsOf(config: ReceiverEnv): number {
  return config[envNames.retryWindowSeconds] ?? config[envNames.retryWindowSecondsAlias] ?? DEFAULT_RETRY_WINDOW_SECONDS;
}

export function readReceiverEnv(env: ReceiverEnvInput | NodeJS.ProcessEnv = process.env): ReceiverEnv {
  return readEnv(ReceiverEnvSchema, env, 'receiver');
}
