import fc from 'fast-check';
import {
  checkProviderSecrets,
  configuredProviderFields,
  parseProvidersConfig,
  parseProviderSecrets,
  ProvidersConfigError,
  type ConfiguredProviders,
} from '../../../../lambda/core/providers/configured/config-schema';
import { PROVIDER_NAME_RE } from '../../../../lambda/core/model';
import { closestMatch } from '../../../../lambda/core/closest-match';
import { configuredStatusMap } from '../../../../lambda/core/providers/configured/status-map';
import { exampleProviders } from '../../../fixtures/configured-providers';
import { problemsOf, problemsWith } from '../../../helpers/provider-config-problems';

// The issue's example, exactly as it shows it.
const issueExample = exampleProviders;
type Example = typeof issueExample;
const clone = (): Example => structuredClone(issueExample);

const problems = (input: unknown, source?: string) => problemsOf(() => parseProvidersConfig(input, source));
const del = <T extends object>(object: T, key: keyof T) => {
  delete object[key];
};

describe('configured providers: what parses', () => {
  it("accepts the issue's example and fills the defaults (acme's label is its name)", () => {
    const parsed = parseProvidersConfig(issueExample);
    expect(parsed.replicate).toEqual(issueExample.replicate);
    expect(parsed.acme).toEqual({ ...issueExample.acme, label: 'acme' });
  });
  it('defaults toleranceSeconds to 300', () => {
    const config = clone();
    del(config.replicate.signature, 'toleranceSeconds');
    expect(parseProvidersConfig(config).replicate?.signature).toEqual({ scheme: 'standard-webhooks', toleranceSeconds: 300 });
  });
  it('reads the same JSON as text (an environment variable or -c value)', () => {
    expect(parseProvidersConfig(JSON.stringify(issueExample), 'LOCAL_PROVIDERS')).toEqual(parseProvidersConfig(issueExample));
  });
  it('reads nothing, "" and {} as no configured providers', () => {
    expect(parseProvidersConfig(undefined)).toEqual({});
    expect(parseProvidersConfig('')).toEqual({});
    expect(parseProvidersConfig({})).toEqual({});
  });
  it('parses its own output to itself (it can be handed on as JSON, e.g. to a function environment)', () => {
    const once = parseProvidersConfig(issueExample);
    expect(parseProvidersConfig(JSON.parse(JSON.stringify(once)))).toEqual(once);
  });
  it('accepts the optional eventId pointer and a base64 encoding without prefix', () => {
    const config = clone() as unknown as Record<string, Record<string, unknown>>;
    (config.acme as Record<string, unknown>).eventId = '/delivery/id';
    (config.acme as Record<string, unknown>).signature = { scheme: 'hmac-sha256', header: 'Signature', encoding: 'base64' };
    expect(parseProvidersConfig(config).acme).toMatchObject({ eventId: '/delivery/id', signature: { encoding: 'base64' } });
  });
  it('accepts every name the route pattern allows and refuses every other (property)', () => {
    const provider = issueExample.acme;
    fc.assert(
      fc.property(fc.string({ maxLength: 34 }), (name) => {
        const ok = PROVIDER_NAME_RE.test(name) && name !== 'panjaya' && name !== 'contentor';
        const run = () => parseProvidersConfig({ [name]: provider });
        if (ok) expect(Object.keys(run())).toEqual([name]);
        else expect(run).toThrow(ProvidersConfigError);
      }),
    );
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z][a-z0-9-]{1,30}$/), (name) => {
        fc.pre(name !== 'panjaya' && name !== 'contentor');
        expect(parseProvidersConfig({ [name]: provider })[name]).toBeDefined();
      }),
    );
  });
});

describe('configured providers: each problem names the provider, the field and the fix', () => {
  it.each([
    [
      'Replicate',
      'providers.Replicate: not a valid provider name: use 2 to 31 characters, lower-case letters, digits and "-", starting with a letter (it becomes the route POST /webhooks/<name>)',
    ],
    ['a', 'providers.a: not a valid provider name: use 2 to 31 characters'],
    ['1acme', 'providers.1acme: not a valid provider name'],
    ['a'.repeat(32), `providers.${'a'.repeat(32)}: not a valid provider name`],
    ['panjaya', 'providers.panjaya: "panjaya" is a built-in provider: give the configured one another name'],
    ['contentor', 'providers.contentor: "contentor" is a built-in provider'],
  ])('refuses the name %j', (name, line) => {
    const found = problems({ [name]: issueExample.acme });
    expect(found).toHaveLength(1);
    expect(found[0]).toContain(line);
  });
  it('refuses a provider that is not an object', () => {
    expect(problems({ acme: 'hmac' })).toEqual(['providers.acme: must be an object with signature, jobId, status and statuses']);
  });
  it('names the known fields for an unknown one, and the closest for a misspelt one', () => {
    expect(problemsWith((c) => Object.assign(c.acme, { webhookUrl: 'https://x' }))).toEqual([
      'providers.acme: unknown field "webhookUrl": the fields are label, signature, jobId, status, occurredAt, eventId, statuses',
    ]);
    expect(problemsWith((c) => Object.assign(c.acme, { jobid: '/x' }))[0]).toContain('unknown field "jobid" (did you mean "jobId"?)');
    expect(problemsWith((c) => Object.assign(c.acme, { stauses: {} }))[0]).toContain('unknown field "stauses" (did you mean "statuses"?)');
  });
  it('lists the fields of the chosen scheme for an unknown signature field', () => {
    expect(problemsWith((c) => Object.assign(c.replicate.signature, { header: 'webhook-signature' }))).toEqual([
      'providers.replicate.signature (standard-webhooks): unknown field "header": the fields are scheme, toleranceSeconds',
    ]);
  });
  it('requires a signature, and says what one looks like', () => {
    expect(problemsWith((c) => del(c.acme, 'signature'))).toEqual([
      'providers.acme.signature: required: {"scheme": "standard-webhooks"} or {"scheme": "hmac-sha256", "header": "X-Signature", "encoding": "hex"}',
    ]);
  });
  it('names the scheme it does not know and the closest one', () => {
    expect(problemsWith((c) => Object.assign(c.replicate.signature, { scheme: 'standard-webhook' }))).toEqual([
      'providers.replicate.signature.scheme: "standard-webhook" is not a signature scheme: must be "standard-webhooks" or "hmac-sha256" (did you mean "standard-webhooks"?)',
    ]);
  });
  it.each([0, 3601, 1.5, '300'])('refuses toleranceSeconds %j', (value) => {
    expect(problemsWith((c) => Object.assign(c.replicate.signature, { toleranceSeconds: value }))).toEqual([
      'providers.replicate.signature.toleranceSeconds: must be a whole number of seconds from 1 to 3600, e.g. 300 (the default)',
    ]);
  });
  it('requires the header and encoding of hmac-sha256', () => {
    expect(problemsWith((c) => del(c.acme.signature, 'header'))).toEqual([
      'providers.acme.signature.header: required for hmac-sha256: must be the HTTP header name the provider puts its signature in, e.g. "X-Acme-Signature"',
    ]);
    expect(problemsWith((c) => del(c.acme.signature, 'encoding'))).toEqual([
      'providers.acme.signature.encoding: required for hmac-sha256: "hex" or "base64", how the provider writes the digest',
    ]);
  });
  it.each(['X Acme', '', 'X-Acme:'])('refuses the header name %j', (header) => {
    expect(problemsWith((c) => Object.assign(c.acme.signature, { header }))[0]).toMatch(/^providers\.acme\.signature\.header: must be the HTTP header name/);
  });
  it('refuses an encoding other than hex or base64', () => {
    expect(problemsWith((c) => Object.assign(c.acme.signature, { encoding: 'base64url' }))).toEqual([
      'providers.acme.signature.encoding: must be "hex" or "base64": how the provider writes the digest',
    ]);
  });
  it.each(['', 'a,b', 'x'.repeat(33), 'é='])('refuses the prefix %j', (prefix) => {
    expect(problemsWith((c) => Object.assign(c.acme.signature, { prefix }))[0]).toMatch(
      /^providers\.acme\.signature\.prefix: must be the text before the digest/,
    );
  });
  it('requires jobId and status pointers, with an example', () => {
    expect(problemsWith((c) => del(c.acme, 'jobId'))).toEqual(['providers.acme.jobId: required: a JSON Pointer to the job id in the body, e.g. "/id"']);
    expect(problemsWith((c) => del(c.acme, 'status'))).toEqual([
      'providers.acme.status: required: a JSON Pointer to the job\'s status in the body, e.g. "/status"',
    ]);
  });
  it('refuses a pointer that does not start with "/", or a bad ~ escape', () => {
    expect(problemsWith((c) => Object.assign(c.acme, { jobId: 'job.id' }))).toEqual([
      'providers.acme.jobId: "job.id" is not a JSON Pointer: it must start with "/", e.g. "/id" or "/job/id"',
    ]);
    expect(problemsWith((c) => Object.assign(c.replicate, { occurredAt: '/a~b' }))[0]).toMatch(
      /^providers\.replicate\.occurredAt: "\/a~b" is not a JSON Pointer: "~" must be written "~0"/,
    );
  });
  it('refuses "" (the whole body) for a field that must be a string or number', () => {
    expect(problemsWith((c) => Object.assign(c.acme, { eventId: '' }))).toEqual([
      'providers.acme.eventId: "" points at the whole body, which is not a string or number: point at the event\'s own id, e.g. "/event_id"',
    ]);
  });
  it('refuses a pointer that is not a string', () => {
    expect(problemsWith((c) => Object.assign(c.acme, { status: ['job', 'state'] }))).toEqual([
      'providers.acme.status: must be a string: a JSON Pointer such as "/status"',
    ]);
  });
  it.each([
    ['stalled', '"stalled" is set by the watchdog, not by a provider: map this status to in_progress, ready, succeeded or failed, or drop it'],
    ['unknown', 'a status that is not listed is unknown already (stored, never notified): drop this entry'],
    ['success', '"success" is not a lifecycle status: use in_progress, ready, succeeded or failed'],
    ['in-progress', '"in-progress" is not a lifecycle status: use in_progress, ready, succeeded or failed (did you mean "in_progress"?)'],
  ])('refuses the lifecycle status %j', (value, message) => {
    expect(problemsWith((c) => Object.assign(c.acme.statuses, { queued: value }))).toEqual([`providers.acme.statuses.queued: ${message}`]);
  });
  it('refuses two status names that differ only in case or spaces', () => {
    expect(problemsWith((c) => Object.assign(c.acme.statuses, { ' Done': 'failed' }))).toEqual([
      'providers.acme.statuses. Done: "done" and " Done" are the same status (matched without regard to case and surrounding spaces): keep one',
    ]);
  });
  it('refuses a blank status name', () => {
    expect(problemsWith((c) => Object.assign(c.acme.statuses, { ' ': 'failed' }))[0]).toBe(
      'providers.acme.statuses. : a status name must not be blank: use the value the provider sends',
    );
  });
  it('refuses statuses of which none is terminal: nothing would ever be notified', () => {
    expect(problemsWith((c) => Object.assign(c.acme, { statuses: { running: 'in_progress' } }))[0]).toMatch(
      /^providers\.acme\.statuses: no status maps to succeeded or failed/,
    );
  });
  it('requires statuses as an object', () => {
    expect(problemsWith((c) => del(c.acme, 'statuses'))[0]).toMatch(/^providers\.acme\.statuses: required: map each status the provider sends/);
    expect(problemsWith((c) => Object.assign(c.acme, { statuses: ['done'] }))[0]).toMatch(/^providers\.acme\.statuses: must be an object mapping each status/);
  });
  it.each([
    ['a label with a control character', (c: Example) => Object.assign(c.replicate, { label: 'Repli\ncate' })],
    ['an empty label', (c: Example) => Object.assign(c.replicate, { label: '' })],
    ['a label over 60 characters', (c: Example) => Object.assign(c.replicate, { label: 'x'.repeat(61) })],
  ])('refuses %s', (_what, change) => {
    expect(problemsWith(change)[0]).toMatch(/^providers\.replicate\.label: must be a display name of 1 to 60 characters/);
  });
  it('reports every problem of every provider, one line each, under the source it was given', () => {
    const config = clone() as unknown as Record<string, Record<string, unknown>>;
    delete config.acme?.jobId;
    (config.replicate as Record<string, unknown>).status = 'status';
    let error: ProvidersConfigError | undefined;
    try {
      parseProvidersConfig(config, 'LOCAL_PROVIDERS');
    } catch (caught) {
      error = caught as ProvidersConfigError;
    }
    expect(error?.problems).toEqual([
      'LOCAL_PROVIDERS.replicate.status: "status" is not a JSON Pointer: it must start with "/", e.g. "/id" or "/job/id"',
      'LOCAL_PROVIDERS.acme.jobId: required: a JSON Pointer to the job id in the body, e.g. "/id"',
    ]);
    expect(error?.message.split('\n')).toEqual(['Invalid LOCAL_PROVIDERS:', ...(error?.problems ?? []).map((line) => `  - ${line}`)]);
  });
  it('refuses text that is not JSON, and JSON that is not an object', () => {
    expect(problems('{"replicate": ', 'LOCAL_PROVIDERS')[0]).toMatch(/^LOCAL_PROVIDERS: not valid JSON \(.+\): expected an object such as \{"replicate"/);
    expect(problems('[]')[0]).toMatch(/^providers: must be a JSON object mapping a provider name to its configuration/);
    expect(problems(42)[0]).toMatch(/^providers: must be a JSON object/);
  });
  it('lists only the fields the schema has', () => {
    const full = { ...clone().replicate, eventId: '/e' };
    expect(Object.keys(full).sort()).toEqual([...configuredProviderFields].sort());
  });
});

describe('configured provider secrets', () => {
  const providers: ConfiguredProviders = parseProvidersConfig(issueExample);
  const replicateSecret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const check = (secrets: unknown) => problemsOf(() => checkProviderSecrets(providers, parseProviderSecrets(secrets)));

  it('accepts one or more secrets per configured provider, as JSON text', () => {
    const text = JSON.stringify({ replicate: [replicateSecret, `whsec_${Buffer.alloc(32, 2).toString('base64')}`], acme: ['s1'] });
    expect(parseProviderSecrets(text)).toEqual(JSON.parse(text));
    expect(() => checkProviderSecrets(providers, parseProviderSecrets(text))).not.toThrow();
  });
  it('reads nothing as no secrets, which is fine with no configured providers', () => {
    expect(parseProviderSecrets(undefined)).toEqual({});
    expect(() => checkProviderSecrets({}, parseProviderSecrets(''))).not.toThrow();
  });
  it('names a configured provider that has no secret, with an example of the form', () => {
    expect(check({ replicate: [replicateSecret] })).toEqual([
      'LOCAL_PROVIDER_SECRETS.acme: missing: give at least one secret for the configured provider "acme", e.g. {"acme": ["<the shared secret>"]}',
    ]);
    expect(check({ acme: ['s'] })[0]).toBe(
      'LOCAL_PROVIDER_SECRETS.replicate: missing: give at least one secret for the configured provider "replicate", e.g. {"replicate": ["whsec_..."]}',
    );
  });
  it('names an entry for no configured provider and the closest name', () => {
    expect(check({ replicate: [replicateSecret], acme: ['s'], acm: ['t'] })).toEqual([
      'LOCAL_PROVIDER_SECRETS.acm: no configured provider has this name (did you mean "acme"?): remove the entry or configure the provider',
    ]);
  });
  it("takes a shared-secret built-in's secrets too, and says a public-key built-in takes none", () => {
    expect(() => checkProviderSecrets(providers, parseProviderSecrets({ replicate: [replicateSecret], acme: ['s'], contentor: ['t'] }))).not.toThrow();
    expect(check({ replicate: [replicateSecret], acme: ['s'], panjaya: ['t'] })).toEqual([
      'LOCAL_PROVIDER_SECRETS.panjaya: "panjaya" is a built-in provider that trusts public keys, not secrets: remove this entry',
    ]);
  });
  it('refuses a Standard Webhooks secret that is not whsec_ + base64, without quoting it', () => {
    const found = check({ replicate: [replicateSecret, 'whsec_not*base64'], acme: ['s'] });
    expect(found).toEqual([
      'LOCAL_PROVIDER_SECRETS.replicate[1]: not a Standard Webhooks secret: expected "whsec_" followed by base64, as the provider shows it',
    ]);
    expect(found.join('\n')).not.toContain('not*base64');
  });
  it('refuses empty arrays, empty strings and non-strings, one line each, without quoting any secret', () => {
    const found = problemsOf(() => parseProviderSecrets({ replicate: [], acme: ['', 7, 'kept-secret'], other: 'solo-secret' }));
    expect(found).toEqual([
      'LOCAL_PROVIDER_SECRETS.replicate: must be a non-empty array of secrets, e.g. {"replicate": ["whsec_..."]}',
      'LOCAL_PROVIDER_SECRETS.acme[0]: must be a non-empty string',
      'LOCAL_PROVIDER_SECRETS.acme[1]: must be a non-empty string',
      'LOCAL_PROVIDER_SECRETS.other: must be a non-empty array of secrets, e.g. {"replicate": ["whsec_..."]}',
    ]);
    expect(found.join('\n')).not.toMatch(/kept-secret|solo-secret/);
  });
  it('does not quote the text of secrets JSON that fails to parse', () => {
    const found = problemsOf(() => parseProviderSecrets('{"acme": ["very-secret-value"'));
    expect(found).toEqual(['LOCAL_PROVIDER_SECRETS: not valid JSON: expected an object such as {"replicate": ["whsec_..."]}']);
  });
});

describe('configured status map', () => {
  const map = configuredStatusMap(issueExample.replicate.statuses as Record<string, 'in_progress' | 'succeeded' | 'failed'>);
  it('maps listed statuses, whatever their case and surrounding spaces', () => {
    expect(map.statusFor('succeeded')).toBe('succeeded');
    expect(map.statusFor(' Canceled ')).toBe('failed');
    expect(map.statusFor('processing')).toBe('in_progress');
  });
  it('maps any other status to unknown, rank 0, inherited property names included', () => {
    expect(map.statusFor('queued')).toBe('unknown');
    expect(map.statusFor('constructor')).toBe('unknown');
    expect(map.rankFor('queued')).toBe(0);
  });
  it('ranks a terminal status above a running one for timestamp ties', () => {
    expect(map.rankFor('failed')).toBeGreaterThan(map.rankFor('starting'));
    expect(map.rankFor('starting')).toBeGreaterThan(map.rankFor('queued'));
  });
});

describe('closest name', () => {
  it('suggests a near miss and nothing for a far one', () => {
    expect(closestMatch('replicat', ['replicate', 'acme'])).toBe('replicate');
    expect(closestMatch('zzzz', ['replicate', 'acme'])).toBeUndefined();
  });
});
