import * as z from 'zod/mini';
import '../core/zod-locale';
import { envNames } from '../contracts';
import { alertEnvShape } from './alert-env';

const nonEmpty = () => z.string().check(z.minLength(1));

/** The fan-out's environment (lambda/config/read-env.ts reads it once per cold start). */
export const FanoutEnvSchema = z.object({
  [envNames.tableName]: nonEmpty(),
  [envNames.succeededTopicArn]: nonEmpty(),
  [envNames.failedTopicArn]: nonEmpty(),
  [envNames.jobsCommandHint]: z.optional(z.string()),
  [envNames.providers]: z.optional(z.string()),
  ...alertEnvShape,
  [envNames.dynamoDbEndpoint]: z.optional(z.url()),
  [envNames.snsEndpoint]: z.optional(z.url()),
});
