import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DependencyError } from '../core/errors';
import { parseCommaSeparatedSecrets, parseSecretValue } from '../core/secret-values';
import type { SecretSource } from '../core/ports';

/** Minimal client surface, so tests can inject a failing fetch without mocking the SDK. */
export type FetchSecret = (secretId: string) => Promise<string | undefined>;

/**
 * Two attempts of at most 2 s each: a Secrets Manager that hangs gets the delivery its 503 well inside the
 * receiver's 10 s timeout (lib/job-webhook-receiver.ts). Without `throwOnRequestTimeout` the SDK only warns and waits.
 */
const secretsManagerClient = () =>
  new SecretsManagerClient({ maxAttempts: 2, requestHandler: { connectionTimeout: 1000, requestTimeout: 2000, throwOnRequestTimeout: true } });

export function secretsManagerFetcher(client = secretsManagerClient()): FetchSecret {
  return async (secretId) => (await client.send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString;
}

/**
 * Secrets Manager source with a short in-memory cache: one call per TTL per warm container, and a rotated
 * secret is picked up within the TTL. When a refresh fails but an earlier value is cached, the earlier value is
 * served (a Secrets Manager blip must not reject deliveries); with nothing cached the delivery gets a 503, never 401.
 */
export class CachedSecretsManagerSource implements SecretSource {
  private cached?: { secrets: readonly string[]; fetchedAt: number };
  private inFlight?: Promise<readonly string[]>;

  constructor(
    private readonly secretId: string,
    private readonly ttlMs: number,
    private readonly fetchSecret: FetchSecret = secretsManagerFetcher(),
    private readonly now: () => number = Date.now,
  ) {}

  async secrets(): Promise<readonly string[]> {
    if (this.cached && this.now() - this.cached.fetchedAt < this.ttlMs) return this.cached.secrets;
    this.inFlight ??= this.refresh().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async refresh(): Promise<readonly string[]> {
    let value: string | undefined;
    try {
      value = await this.fetchSecret(this.secretId);
    } catch (error) {
      if (this.cached) return this.cached.secrets;
      throw new DependencyError('secrets_unavailable', 'webhook secret temporarily unavailable', { cause: String(error) });
    }
    if (value === undefined) throw new DependencyError('secrets_unavailable', 'webhook secret has no string value');
    let secrets: string[];
    try {
      secrets = parseSecretValue(value);
    } catch {
      // A misconfigured secret is an operator problem: keep the provider retrying (503) while it is fixed.
      throw new DependencyError('secrets_unavailable', 'webhook secret is not a JSON array of strings');
    }
    this.cached = { secrets, fetchedAt: this.now() };
    return secrets;
  }
}

/** Local stack: secrets from the environment (comma-separated text or a list), read once. */
export class StaticSecretSource implements SecretSource {
  private readonly values: readonly string[];
  constructor(secrets: string | readonly string[]) {
    this.values = typeof secrets === 'string' ? parseCommaSeparatedSecrets(secrets) : secrets;
  }
  async secrets(): Promise<readonly string[]> {
    return this.values;
  }
}
