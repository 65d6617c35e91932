/** Configured providers in the template: one secret each, the functions' environment, least-privilege reads, output. */
import { Match } from 'aws-cdk-lib/assertions';
import { envNames } from '../../lambda/contracts';
import { ConfigError, parseDeployConfig } from '../../lib/config';
import { outputNames } from '../../lambda/contracts';
import { resourcesOf, synth } from './synth';
import { exampleProviders } from '../fixtures/configured-providers';

const providers = exampleProviders;

type Fn = { Properties: { Environment?: { Variables?: Record<string, unknown> } } };
const { template } = synth({ providers: JSON.stringify(providers) }, { bundle: false });
const envOf = (service: string, of = template) =>
  (Object.values(resourcesOf(of, 'AWS::Lambda::Function')) as Fn[]).find((fn) => fn.Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME === service)
    ?.Properties.Environment?.Variables ?? {};

it('creates one Secrets Manager secret per configured provider, besides the Contentor one, with no value in the template', () => {
  const secrets = resourcesOf(template, 'AWS::SecretsManager::Secret');
  expect(Object.keys(secrets)).toHaveLength(3);
  for (const secret of Object.values(secrets)) {
    expect(secret.Properties).toHaveProperty('GenerateSecretString');
    expect(secret.Properties).not.toHaveProperty('SecretString');
  }
  template.hasResourceProperties('AWS::SecretsManager::Secret', { Description: Match.stringLikeRegexp('^Replicate webhook secret.*whsec_') });
});

it('hands the receiver, fan-out and watchdog the providers, and the receiver only the ARNs of their secrets', () => {
  for (const service of ['receiver', 'fanout', 'watchdog']) expect(JSON.stringify(envOf(service)[envNames.providers])).toContain('replicate');
  const arns = JSON.stringify(envOf('receiver')[envNames.providerSecretArns]);
  expect(arns).toContain('replicate');
  expect(arns).toContain('acme');
  expect(envOf('fanout')).not.toHaveProperty(envNames.providerSecretArns);
});

it('lets the receiver read exactly those secrets', () => {
  const statements = Object.values(resourcesOf(template, 'AWS::IAM::Policy')).flatMap(
    (policy) => (policy.Properties.PolicyDocument as { Statement: Array<{ Sid?: string; Action: unknown; Resource: unknown }> }).Statement,
  );
  const read = statements.find((s) => s.Sid === 'ProviderSecrets');
  expect(read?.Action).toBe('secretsmanager:GetSecretValue');
  // The two configured providers' and Contentor's, each by its ARN.
  expect(read?.Resource).toEqual([
    { Ref: expect.stringMatching(/^ReceiverContentorSecret/) },
    { Ref: expect.stringMatching(/^ReceiverProviderSecretacmeSecret/) },
    { Ref: expect.stringMatching(/^ReceiverProviderSecretreplicateSecret/) },
  ]);
});

it('outputs the secret ARNs by provider name', () => {
  expect(Object.keys(template.findOutputs(outputNames.providerSecretArns))).toEqual([outputNames.providerSecretArns]);
});

it('adds nothing for a stack without configured providers: only the built-in Contentor secret', () => {
  const plain = synth({}, { bundle: false }).template;
  expect(Object.keys(resourcesOf(plain, 'AWS::SecretsManager::Secret'))).toEqual([expect.stringMatching(/^ReceiverContentorSecret/)]);
  expect(plain.findOutputs(outputNames.providerSecretArns)[outputNames.providerSecretArns]?.Value).toEqual({
    'Fn::Join': ['', ['{"contentor":"', { Ref: expect.stringMatching(/^ReceiverContentorSecret/) }, '"}']],
  });
  expect(envOf('receiver', plain)).not.toHaveProperty(envNames.providers);
});

it.each([
  [{ panjaya: providers.acme }, /providers\.panjaya.*built-in/i],
  [{ Acme: providers.acme }, /providers\.Acme/],
  [{ acme: { ...providers.acme, statuses: { done: 'stalled' } } }, /providers\.acme\.statuses/],
  [{ acme: { ...providers.acme, jobId: 'job/id' } }, /providers\.acme\.jobId/],
  [{ acme: { ...providers.acme, signature: { scheme: 'hmac-sha512' } } }, /providers\.acme\.signature/],
])('fails synth for a bad declaration, naming the provider and the field (%#)', (bad, message) => {
  expect(() => parseDeployConfig({ providers: bad })).toThrow(ConfigError);
  expect(() => parseDeployConfig({ providers: bad })).toThrow(message);
});

it('lets stallDeadlines name a configured provider status, and refuses an unknown one', () => {
  const config = parseDeployConfig({ providers, stallDeadlines: { replicate: { processing: '1h' } } });
  expect(config.stallDeadlines).toContainEqual({ provider: 'replicate', eventType: 'processing', status: 'in_progress', minutes: 60 });
  expect(() => parseDeployConfig({ providers, stallDeadlines: { replicate: { proccessing: '1h' } } })).toThrow(/stallDeadlines\.replicate\.proccessing/);
});

// Too many declarations for Lambda's 4 KB environment fail synth: test/infra/environment-budget.test.ts.
