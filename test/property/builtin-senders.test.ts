/**
 * Each built-in's sender (what `npm run send` posts) and its verifier are two sides of one scheme: for any job ids,
 * event names the provider documents, secrets and every signature style, the module's own `verify` accepts the
 * sample with the material it was signed with, refuses it with other material, and `normalise` names the job the
 * sample says it made (test/e2e/fake-builtin-provider.test.ts runs a made-up built-in through every host).
 */
import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { builtInProviders } from '../../lambda/core/providers';
import type { ProviderModule, RawRequest, Trust } from '../../lambda/core/providers/provider';
import { signerOf } from '../../tools/lib/signing';

const idChars = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-_'.split('')), minLength: 1, maxLength: 40 });
const secret = fc.string({ minLength: 1, maxLength: 64 });
const lower = (headers: Record<string, string>) => Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));

/** Signing material and the trust that holds it, for a module's kind of trust. */
function materialFor(module: ProviderModule, secretText: string): { signing: string; trust: Trust } {
  if (module.trust.kind === 'secrets') return { signing: secretText, trust: { publicKeys: [], secrets: [secretText] } };
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return { signing: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), trust: { publicKeys: [publicKey], secrets: [] } };
}

describe.each(builtInProviders.map((module) => [module.name, module] as const))('%s: sender and verifier agree', (_name, module) => {
  const sender = module.sender;
  it('has a sender with at least one style', () => {
    expect(sender?.styles.length).toBeGreaterThan(0);
  });
  if (!sender) return;
  const optionNames = Object.keys(sender.options).filter((name) => !/time|at$/i.test(name));

  it('verifies every sample with its own material, refuses it with another, and names the job it made', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...module.knownEventTypes),
        fc.constantFrom(...sender.styles),
        fc.record(Object.fromEntries(optionNames.map((name) => [name, idChars]))),
        secret,
        secret,
        (event, style, ids, mine, other) => {
          fc.pre(mine !== other);
          const own = materialFor(module, mine);
          const foreign = materialFor(module, other);
          const sample = sender.sample(event, ids as Record<string, string>, signerOf(own.signing), style);
          const request: RawRequest = { body: Buffer.from(sample.body), headers: lower(sample.headers) };
          const verified = module.verify(request, own.trust, new Date());
          const normalised = module.normalise(request, verified);
          expect(normalised.eventType).toBe(event);
          expect(module.naming.toArgs(normalised)).toEqual([...sample.job]);
          expect(() => module.verify(request, foreign.trust, new Date())).toThrow();
        },
      ),
      { numRuns: 60 },
    );
  });
});
