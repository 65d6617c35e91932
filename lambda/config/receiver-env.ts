import * as z from 'zod';
import { DEFAULT_MAX_BODY_BYTES, envNames } from './env';

/**
 * The receiver's environment, read once at cold start; a missing or bad value fails loudly naming the variable.
 * In AWS the Contentor secrets come from Secrets Manager (CONTENTOR_SECRET_ARN); the local stack sets
 * CONTENTOR_WEBHOOK_SECRETS instead. Exactly one of the two must be present.
 */
export const ReceiverEnvSchema = z
  .object({
    [envNames.tableName]: z.string().min(1),
    [envNames.panjayaPublicKeys]: z.string().includes('BEGIN PUBLIC KEY', { message: 'must hold one or more PEM public keys' }),
    [envNames.contentorSecretArn]: z.string().min(1).optional(),
    [envNames.contentorSecrets]: z.string().min(1).optional(),
    [envNames.secretCacheTtlSeconds]: z.coerce.number().int().min(0).default(60),
    [envNames.maxBodyBytes]: z.coerce.number().int().positive().default(DEFAULT_MAX_BODY_BYTES),
    [envNames.eventRetentionDays]: z.coerce.number().int().positive().default(90),
    [envNames.dynamoDbEndpoint]: z.string().url().optional(),
  })
  .refine((env) => Boolean(env[envNames.contentorSecretArn]) !== Boolean(env[envNames.contentorSecrets]), {
    message: `set exactly one of ${envNames.contentorSecretArn} (AWS) or ${envNames.contentorSecrets} (local stack)`,
  });

export type ReceiverEnv = z.infer<typeof ReceiverEnvSchema>;

export function readReceiverEnv(env: NodeJS.ProcessEnv = process.env): ReceiverEnv {
  const parsed = ReceiverEnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'environment'}: ${i.message}`).join('; ');
    throw new Error(`receiver environment is invalid: ${problems}`);
  }
  return parsed.data;
}
