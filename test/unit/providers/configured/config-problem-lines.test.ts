/**
 * More of the lines a team reads when its provider declaration or its secrets are refused (`cdk synth`, `npm start`),
 * and the edges of what is accepted: each line names the provider, the field and the fix.
 */
import {
  checkProviderSecrets,
  parseProvidersConfig,
  parseProviderSecrets,
  ProvidersConfigError,
} from '../../../../lambda/core/providers/configured/config-schema';
import { exampleProviders } from '../../../fixtures/configured-providers';
import { exampleWith as withChange, problemsOf, problemsWith } from '../../../helpers/provider-config-problems';

describe('configured providers: edges of what parses', () => {
  it('reads text of blanks only as no configured providers', () => {
    expect(parseProvidersConfig(' \n\t ')).toEqual({});
  });
  it('accepts statuses whose only final status is failed, or only succeeded', () => {
    expect(() => parseProvidersConfig(withChange((c) => Object.assign(c.acme, { statuses: { running: 'in_progress', error: 'failed' } })))).not.toThrow();
    expect(() => parseProvidersConfig(withChange((c) => Object.assign(c.acme, { statuses: { ready: 'ready', done: 'succeeded' } })))).not.toThrow();
  });
  it('accepts a header name of 100 token characters and refuses one of 101', () => {
    const header = (length: number) => `X-${'a'.repeat(length - 2)}`;
    expect(parseProvidersConfig(withChange((c) => Object.assign(c.acme.signature, { header: header(100) }))).acme?.signature).toMatchObject({
      header: header(100),
    });
    expect(problemsWith((c) => Object.assign(c.acme.signature, { header: header(101) }))[0]).toMatch(
      /^providers\.acme\.signature\.header: must be the HTTP header name/,
    );
  });
  it('accepts every RFC 9110 token character in a header name', () => {
    const header = "!#$%&'*+-.^_`|~09AZaz";
    expect(parseProvidersConfig(withChange((c) => Object.assign(c.acme.signature, { header }))).acme?.signature).toMatchObject({ header });
  });
  it('accepts a prefix of 1 and of 32 printable characters, spaces included', () => {
    for (const prefix of ['=', 'HMAC ', 'x'.repeat(32)]) {
      expect(parseProvidersConfig(withChange((c) => Object.assign(c.acme.signature, { prefix }))).acme?.signature).toMatchObject({ prefix });
    }
  });
  it('accepts a label of 60 characters, and any printable text', () => {
    for (const label of ['x'.repeat(60), 'Acme Vidéo (prod) ✓']) {
      expect(parseProvidersConfig(withChange((c) => Object.assign(c.replicate, { label }))).replicate?.label).toBe(label);
    }
  });
  it('accepts toleranceSeconds of 1 and of 3600', () => {
    for (const toleranceSeconds of [1, 3600]) {
      expect(parseProvidersConfig(withChange((c) => Object.assign(c.replicate.signature, { toleranceSeconds }))).replicate?.signature).toEqual({
        scheme: 'standard-webhooks',
        toleranceSeconds,
      });
    }
  });
});

describe('configured providers: more problem lines', () => {
  it.each([
    ['null', null],
    ['an array', [issueProvider()]],
  ])('refuses a provider given as %s', (_what, value) => {
    expect(problemsOf(() => parseProvidersConfig({ acme: value }))).toEqual(['providers.acme: must be an object with signature, jobId, status and statuses']);
  });
  it('names every unknown field at once, in the plural', () => {
    expect(problemsWith((c) => Object.assign(c.acme, { url: 'x', retries: 3 }))).toEqual([
      'providers.acme: unknown fields "url", "retries": the fields are label, signature, jobId, status, occurredAt, eventId, statuses',
    ]);
  });
  it('lists the fields of hmac-sha256 for an unknown signature field there, and the closest one', () => {
    expect(problemsWith((c) => Object.assign(c.acme.signature, { headers: 'X-Acme-Signature' }))).toEqual([
      'providers.acme.signature (hmac-sha256): unknown field "headers" (did you mean "header"?): the fields are scheme, header, encoding, prefix',
    ]);
  });
  it('asks for the scheme when the signature has none', () => {
    expect(problemsWith((c) => Object.assign(c.acme, { signature: { header: 'X-Acme-Signature' } }))).toEqual([
      'providers.acme.signature.scheme: required: must be "standard-webhooks" or "hmac-sha256"',
    ]);
  });
  it('quotes a scheme that is not text, without a closest match', () => {
    expect(problemsWith((c) => Object.assign(c.acme, { signature: { scheme: 256 } }))).toEqual([
      'providers.acme.signature.scheme: 256 is not a signature scheme: must be "standard-webhooks" or "hmac-sha256"',
    ]);
  });
  it('says what a signature looks like when it is not an object', () => {
    expect(problemsWith((c) => Object.assign(c.acme, { signature: 'hmac-sha256' }))).toEqual([
      'providers.acme.signature: must be an object: {"scheme": "standard-webhooks"} or {"scheme": "hmac-sha256", "header": "X-Signature", "encoding": "hex"}',
    ]);
  });
  it('quotes a lifecycle status that is not text, without a closest match', () => {
    expect(problemsWith((c) => Object.assign(c.acme.statuses, { queued: 1 }))).toEqual([
      'providers.acme.statuses.queued: 1 is not a lifecycle status: use in_progress, ready, succeeded or failed',
    ]);
  });
  it('refuses a label that is not text', () => {
    expect(problemsWith((c) => Object.assign(c.replicate, { label: 7 }))).toEqual([
      'providers.replicate.label: must be a display name of 1 to 60 characters without control characters, e.g. "Replicate", or left out (the name is used)',
    ]);
  });
  it('refuses a prefix that is not text', () => {
    expect(problemsWith((c) => Object.assign(c.acme.signature, { prefix: 7 }))).toEqual([
      'providers.acme.signature.prefix: must be the text before the digest, e.g. "sha256=" (1 to 32 printable ASCII characters, no comma), or left out',
    ]);
  });
  it('refuses a toleranceSeconds of 3601 or 0 with the whole range', () => {
    expect(problemsWith((c) => Object.assign(c.replicate.signature, { toleranceSeconds: 3601 }))).toEqual([
      'providers.replicate.signature.toleranceSeconds: must be a whole number of seconds from 1 to 3600, e.g. 300 (the default)',
    ]);
  });
  it('gives the JSON parser its say for providers text, under the source named', () => {
    const [line] = problemsOf(() => parseProvidersConfig('{"acme": }', 'LOCAL_PROVIDERS'));
    expect(line).toMatch(
      /^LOCAL_PROVIDERS: not valid JSON \(.*JSON.*\): expected an object such as \{"replicate": \{"signature": \{"scheme": "standard-webhooks"\}/,
    );
  });
  it('says the providers are a JSON object mapping names, under the source named', () => {
    expect(problemsOf(() => parseProvidersConfig('"acme"', 'LOCAL_PROVIDERS'))).toEqual([
      'LOCAL_PROVIDERS: must be a JSON object mapping a provider name to its configuration, e.g. {"replicate": {"signature": {"scheme": "standard-webhooks"}, "jobId": "/id", "status": "/status", "statuses": {"succeeded": "succeeded"}}}',
    ]);
  });
});

describe('configured providers: names, examples and summaries in the problem lines', () => {
  const thrown = (run: () => unknown): Error => {
    try {
      run();
    } catch (error) {
      return error as Error;
    }
    throw new Error('expected an error');
  };
  it('matches statuses by their lower-case form: ß and ss are two statuses', () => {
    const parsed = parseProvidersConfig(withChange((c) => Object.assign(c.acme, { statuses: { straße: 'succeeded', strasse: 'failed' } })));
    expect(Object.keys(parsed.acme?.statuses ?? {})).toEqual(['straße', 'strasse']);
  });
  it('shows an example status map when statuses are missing', () => {
    expect(problemsWith((c) => Object.assign(c.acme, { statuses: undefined }))).toEqual([
      'providers.acme.statuses: required: map each status the provider sends to in_progress, ready, succeeded or failed, e.g. {"running": "in_progress", "done": "succeeded", "error": "failed"}',
    ]);
  });
  it('names what the occurredAt pointer is for', () => {
    expect(problemsWith((c) => Object.assign(c.replicate, { occurredAt: '' }))).toEqual([
      'providers.replicate.occurredAt: "" points at the whole body, which is not a string or number: point at when the event happened (ISO-8601), e.g. "/completed_at"',
    ]);
    expect(problemsWith((c) => Object.assign(c.replicate, { occurredAt: 5 }))).toEqual([
      'providers.replicate.occurredAt: must be a string: a JSON Pointer such as "/completed_at"',
    ]);
  });
  it('is a ProvidersConfigError whose first line names the source, for text that is not JSON, JSON that is not an object, and bad secrets', () => {
    for (const error of [
      thrown(() => parseProvidersConfig('{', 'LOCAL_PROVIDERS')),
      thrown(() => parseProvidersConfig('[]', 'LOCAL_PROVIDERS')),
      thrown(() => parseProviderSecrets({ acme: [] }, 'LOCAL_PROVIDERS')),
      thrown(() => parseProviderSecrets('[]', 'LOCAL_PROVIDERS')),
    ]) {
      expect(error).toBeInstanceOf(ProvidersConfigError);
      expect(error.name).toBe('ProvidersConfigError');
      expect(error.message.split('\n')[0]).toBe('Invalid LOCAL_PROVIDERS:');
    }
  });
});

describe('configured provider secrets: more problem lines', () => {
  const providers = parseProvidersConfig(exampleProviders);
  const replicateSecret = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;

  it('says secrets that are not an object must map names to arrays, under the source named', () => {
    for (const input of ['["s"]', 'null', '"s"']) {
      expect(problemsOf(() => parseProviderSecrets(input, 'PROVIDER_SECRETS'))).toEqual([
        'PROVIDER_SECRETS: must be a JSON object mapping each configured provider\'s name to an array of its secrets, e.g. {"replicate": ["whsec_..."]}',
      ]);
    }
  });
  it('reads secrets text of blanks only as no secrets', () => {
    expect(parseProviderSecrets('  ')).toEqual({});
  });
  it('names a configured provider handed an empty list of secrets as missing one', () => {
    expect(problemsOf(() => checkProviderSecrets(providers, { replicate: [replicateSecret], acme: [] }, 'PROVIDER_SECRETS'))).toEqual([
      'PROVIDER_SECRETS.acme: missing: give at least one secret for the configured provider "acme", e.g. {"acme": ["<the shared secret>"]}',
    ]);
  });
  it('takes any non-empty text as an hmac-sha256 secret, and checks only Standard Webhooks secrets for their form', () => {
    expect(() => checkProviderSecrets(providers, { replicate: [replicateSecret], acme: ['not*base64 at all'] })).not.toThrow();
  });
  it('names an entry for no provider at all without a closest match when none is close', () => {
    expect(problemsOf(() => checkProviderSecrets(providers, { replicate: [replicateSecret], acme: ['s'], zzzzzzzz: ['t'] }))).toEqual([
      'LOCAL_PROVIDER_SECRETS.zzzzzzzz: no configured provider has this name: remove the entry or configure the provider',
    ]);
  });
  it('says why the whole secrets check failed, one line per problem', () => {
    let error: unknown;
    try {
      checkProviderSecrets(providers, {}, 'PROVIDER_SECRETS');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ProvidersConfigError);
    expect((error as Error).message.split('\n')[0]).toBe('Invalid PROVIDER_SECRETS:');
    expect((error as ProvidersConfigError).problems).toHaveLength(2);
  });
});

function issueProvider() {
  return structuredClone(exampleProviders.acme);
}
