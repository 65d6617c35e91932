import { CachedSecretsManagerSource, StaticSecretSource } from '../../lambda/adapters/secret-source';
import { parseSecretValue } from '../../lambda/core/secret-values';
import { DependencyError } from '../../lambda/core/errors';

const ARN = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:contentor';

function source(values: Array<string | Error>, ttlMs = 60_000) {
  let clock = 0;
  let calls = 0;
  const src = new CachedSecretsManagerSource(
    ARN,
    ttlMs,
    async () => {
      const next = values[Math.min(calls, values.length - 1)];
      calls += 1;
      if (next instanceof Error) throw next;
      return next;
    },
    () => clock,
  );
  return {
    src,
    advance: (ms: number) => {
      clock += ms;
    },
    calls: () => calls,
  };
}

describe('Contentor secret value', () => {
  it('reads a JSON array of secrets (rotation) and a bare string as one secret', () => {
    expect(parseSecretValue('["old","new"]')).toEqual(['old', 'new']);
    expect(parseSecretValue('just-one')).toEqual(['just-one']);
  });
  it('refuses an empty list and empty secrets', () => {
    expect(() => parseSecretValue('[]')).toThrow();
    expect(() => parseSecretValue('[""]')).toThrow();
  });
});

describe('CachedSecretsManagerSource', () => {
  it('fetches once per TTL', async () => {
    const s = source(['["a"]', '["b"]']);
    expect(await s.src.secrets()).toEqual(['a']);
    s.advance(59_999);
    expect(await s.src.secrets()).toEqual(['a']);
    expect(s.calls()).toBe(1);
    s.advance(1);
    expect(await s.src.secrets()).toEqual(['b']);
    expect(s.calls()).toBe(2);
  });

  it('shares one fetch between concurrent callers', async () => {
    const s = source(['["a"]']);
    await Promise.all([s.src.secrets(), s.src.secrets(), s.src.secrets()]);
    expect(s.calls()).toBe(1);
  });

  it('answers secrets_unavailable (503) when nothing is cached and the fetch fails', async () => {
    const s = source([new Error('network')]);
    await expect(s.src.secrets()).rejects.toMatchObject({ httpStatus: 503, reason: 'secrets_unavailable' });
  });

  it('keeps serving the cached secrets when a refresh fails', async () => {
    const s = source(['["a"]', new Error('blip')]);
    await s.src.secrets();
    s.advance(120_000);
    expect(await s.src.secrets()).toEqual(['a']);
  });

  it('treats a malformed secret value as a dependency problem, not a signature problem', async () => {
    const s = source(['[1,2]']);
    await expect(s.src.secrets()).rejects.toBeInstanceOf(DependencyError);
  });
});

describe('StaticSecretSource', () => {
  it('splits comma-separated secrets and trims them', async () => {
    expect(await new StaticSecretSource(' a , b ,').secrets()).toEqual(['a', 'b']);
  });
});
