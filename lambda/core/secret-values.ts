import * as z from 'zod/mini';

const SecretListSchema = z.array(z.string().check(z.minLength(1, 'secret must not be empty'))).check(z.minLength(1, 'at least one secret is required'));

/**
 * Parses a provider's secret value as stored in Secrets Manager (a built-in's or a configured provider's alike): a
 * JSON array of strings (several at once allow rotation). A bare string is accepted as one secret, so a user who
 * pastes the plain secret is not locked out.
 */
export function parseSecretValue(value: string): string[] {
  const trimmed = value.trim();
  if (!trimmed.startsWith('[')) return SecretListSchema.parse([trimmed]);
  const parsed: unknown = JSON.parse(trimmed);
  return SecretListSchema.parse(parsed);
}

/** Local stack: comma-separated secrets from the environment (a built-in's own variable). */
export function parseCommaSeparatedSecrets(value: string): string[] {
  return SecretListSchema.parse(
    value
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0),
  );
}
