import * as z from 'zod/mini';
import '../core/zod-locale';
import { DEFAULT_EVENT_RETENTION_DAYS, envNames } from '../contracts';
import { alertEnvShape } from './alert-env';
import type { EnvText } from './read-env';
import { providerEnvShape } from './provider-env';

/** The watchdog's environment (lambda/config/read-env.ts reads it once per cold start). */
export const WatchdogEnvSchema = z.object({
  [envNames.tableName]: z.string().check(z.minLength(1)),
  [envNames.stallDeadlines]: z.optional(z.string()),
  [envNames.eventRetentionDays]: z._default(z.pipe(z.coerce.number(), z.int().check(z.positive())), DEFAULT_EVENT_RETENTION_DAYS),
  ...providerEnvShape,
  // The digest flush (a one-minute schedule): the job-alerts topic, its budget, and the jobs command the digest names.
  ...alertEnvShape,
  [envNames.jobsCommandHint]: z.optional(z.string()),
  [envNames.dynamoDbEndpoint]: z.optional(z.url()),
  [envNames.snsEndpoint]: z.optional(z.url()),
});

/** What a host sets for this function (the CDK construct in AWS, the local stack here). */
export type WatchdogEnvInput = EnvText<z.input<typeof WatchdogEnvSchema>>;
