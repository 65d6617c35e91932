/**
 * The one way a function reads its environment: once, at cold start, against its zod/mini schema; a missing or bad
 * variable fails the cold start loudly, naming the variable.
 */
import type * as z from 'zod/mini';
import { issueLines } from '../contracts';

export function readEnv<S extends z.ZodMiniType>(schema: S, env: EnvText<z.input<S>> | NodeJS.ProcessEnv, functionName: string): z.infer<S> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) throw new Error(`${functionName} environment is invalid: ${issueLines(parsed.error.issues).join('; ')}`);
  return parsed.data;
}

/** What a host sets for a function: its schema's variables as text, optional where the schema has a default or allows none. */
export type EnvText<Input> = { [K in keyof Input]: undefined extends Input[K] ? string | undefined : string };
