import * as z from 'zod/mini';
import '../core/zod-locale';
import { envNames } from '../contracts';
import { alertEnvShape } from './alert-env';
import type { EnvText } from './read-env';
import { providerEnvShape } from './provider-env';

const nonEmpty = () => z.string().check(z.minLength(1));

/** The fan-out's environment (lambda/config/read-env.ts reads it once per cold start). */
export const FanoutEnvSchema = z.object({
  [envNames.tableName]: nonEmpty(),
  [envNames.succeededTopicArn]: nonEmpty(),
  [envNames.failedTopicArn]: nonEmpty(),
  [envNames.jobsCommandHint]: z.optional(z.string()),
  ...providerEnvShape,
  ...alertEnvShape,
  [envNames.dynamoDbEndpoint]: z.optional(z.url()),
  [envNames.snsEndpoint]: z.optional(z.url()),
});

/** What a host sets for this function (the CDK construct in AWS, the local stack here). */
export type FanoutEnvInput = EnvText<z.input<typeof FanoutEnvSchema>>;
