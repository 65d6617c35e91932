import * as z from 'zod/mini';
import '../core/zod-locale';
import { envNames } from '../contracts';

/** JSON text holding a value of `schema` (messages name the variable through the object schema's path). */
function jsonText<T extends z.ZodMiniType>(schema: T) {
  const parsed = z.pipe(
    z.string(),
    z.transform((text: string, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.issues.push({ code: 'custom', message: 'must be JSON', input: text });
        return z.NEVER;
      }
    }),
  );
  return z.pipe(parsed, schema);
}

/** Every function reads the configured providers (the receiver to verify, the fan-out and watchdog for wording and deadlines). */
export const providerEnvShape = {
  /** Validated by the configured providers' own schema (providers/configured/config-schema.ts), which names each field. */
  [envNames.providers]: z.optional(z.string()),
};

/** The receiver's part: where the configured providers' secrets come from (one of the two; neither when none are configured). */
export const providerTrustEnvShape = {
  [envNames.providerSecretArns]: z.optional(jsonText(z.record(z.string(), z.string().check(z.minLength(1))))),
  [envNames.providerSecrets]: z.optional(jsonText(z.record(z.string(), z.union([z.string(), z.array(z.string())])))),
};
