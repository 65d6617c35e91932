/**
 * Timing: every secret-derived digest in the function code is compared in constant time, against every secret, with
 * no early exit across secrets. Checked on the syntax tree of every file under lambda/ (./digest-flow.ts), for every
 * provider module and every configured signature scheme; the checker itself is shown to flag each way a digest
 * could leave that path, so a green run is not an empty one.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { bytesEqual } from '../../lambda/core/crypto/signatures';
import { builtInProviders } from '../../lambda/core/providers';
import { signatureSchemes } from '../../lambda/core/providers/configured/config-schema';
import { analyseSource, type FileReport } from './digest-flow';

const lambdaDir = path.join(__dirname, '../../lambda');

/** Every source file of the deployed functions, relative to lambda/ with forward slashes. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    return statSync(file).isDirectory() ? sources(file) : file.endsWith('.ts') ? [path.relative(lambdaDir, file).split(path.sep).join('/')] : [];
  });
}

const reports = new Map<string, FileReport>(
  sources(lambdaDir).map((file) => [file, analyseSource({ file, text: readFileSync(path.join(lambdaDir, file), 'utf8') })]),
);
const report = (file: string): FileReport => {
  const found = reports.get(file);
  if (!found) throw new Error(`${file} is not a source file under lambda/`);
  return found;
};
const total = (name: keyof FileReport['calls']) => [...reports.values()].reduce((n, r) => n + r.calls[name], 0);

/** The file that verifies each configured scheme (configured/module.ts dispatches to it). Typed over every scheme. */
const schemeVerifiers: Record<(typeof signatureSchemes)[number], string> = {
  'standard-webhooks': 'core/providers/configured/standard-webhooks.ts',
  'hmac-sha256': 'core/providers/configured/hmac-header.ts',
};

describe('bytesEqual', () => {
  it('is true only for identical bytes, and false (no throw) for any other length', () => {
    const a = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
    expect(bytesEqual(a, Buffer.from(a))).toBe(true);
    const flipped = Buffer.from(a);
    flipped[15] = (flipped[15] ?? 0) ^ 1;
    expect(bytesEqual(a, flipped)).toBe(false);
    expect(bytesEqual(a, a.subarray(0, 15))).toBe(false);
    expect(bytesEqual(Buffer.alloc(0), a)).toBe(false);
  });
});

describe('digests reach only the constant-time comparison (syntax tree of lambda/)', () => {
  it('no file lets a digest leave hmacSha256 → .map over every key → anyDigestMatches → bytesEqual → timingSafeEqual', () => {
    expect([...reports.values()].flatMap((r) => r.violations)).toEqual([]);
  });

  it('the primitives live in one reviewed place each', () => {
    expect(report('core/crypto/hmac.ts').calls.createHmac).toBe(total('createHmac'));
    expect(total('createHmac')).toBe(1);
    expect(report('core/crypto/signatures.ts').calls.timingSafeEqual).toBe(total('timingSafeEqual'));
    expect(report('core/crypto/hmac.ts').calls.bytesEqual).toBe(total('bytesEqual'));
    // Every digest computed anywhere is one the flow rule checked.
    expect([...reports.values()].reduce((n, r) => n + r.checkedDigestFlows, 0)).toBe(total('hmacSha256'));
  });

  it.each(builtInProviders.map((p) => [p.name, p.trust.kind] as const))(
    'built-in provider %s (trust: %s): secrets are compared on the checked path, public keys by signature verification only',
    (name, kind) => {
      const file = `core/providers/${name}.ts`;
      expect(existsSync(path.join(lambdaDir, file))).toBe(true);
      const r = report(file);
      if (kind === 'secrets') {
        expect(r.checkedDigestFlows).toBeGreaterThan(0);
        expect(r.calls.anyDigestMatches).toBeGreaterThan(0);
      } else {
        expect(r.calls).toMatchObject({ hmacSha256: 0, createHmac: 0, anyDigestMatches: 0 });
      }
    },
  );

  it('covers every configured signature scheme', () => {
    expect(Object.keys(schemeVerifiers).sort()).toEqual([...signatureSchemes].sort());
    const moduleText = readFileSync(path.join(lambdaDir, 'core/providers/configured/module.ts'), 'utf8');
    for (const file of Object.values(schemeVerifiers)) {
      expect({ file, checked: report(file).checkedDigestFlows > 0 }).toEqual({ file, checked: true });
      expect(moduleText).toContain(`from './${path.basename(file, '.ts')}'`);
    }
  });
});

describe('the checker flags each way a digest could leave the constant-time path', () => {
  const provider = (body: string) =>
    `import { anyDigestMatches, hmacSha256 } from '../crypto/hmac';\nimport { bytesEqual } from '../crypto/signatures';\n${body}`;
  const cases: Array<[string, string, RegExp]> = [
    [
      'hex strings compared with ===, returning at the first matching secret',
      provider(`function matches(message: string, provided: Buffer, secrets: string[]) {
  for (const secret of secrets) if (hmacSha256(secret, message).toString('hex') === provided.toString('hex')) return true;
  return false;
}`),
      /hmacSha256\(\.\.\.\) result is used by PropertyAccessExpression/,
    ],
    [
      'the constant-time comparison per secret, returning at the first match',
      provider(`function matches(message: string, provided: Buffer, secrets: string[]) {
  for (const secret of secrets) if (anyDigestMatches([hmacSha256(secret, message)], [provided])) return true;
  return false;
}`),
      /used by ArrayLiteralExpression/,
    ],
    [
      '.some over the secrets',
      provider(`const matches = (m: string, p: Buffer, secrets: string[]) => secrets.some((s) => anyDigestMatches([hmacSha256(s, m)], [p]));`),
      /used by ArrayLiteralExpression/,
    ],
    [
      'a .find callback computing the digest',
      provider(`const matches = (m: string, p: Buffer, secrets: string[]) => secrets.find((s) => hmacSha256(s, m)) !== undefined;`),
      /something other than \.map/,
    ],
    [
      'mapped digests compared with .some(bytesEqual)',
      provider(`const matches = (m: string, p: Buffer, secrets: string[]) => secrets.map((s) => hmacSha256(s, m)).some((d) => bytesEqual(d, p));`),
      /instead of going to anyDigestMatches/,
    ],
    [
      'the digest list also read elsewhere',
      provider(`function matches(m: string, p: Buffer, secrets: string[]) {
  const expected = secrets.map((s) => hmacSha256(s, m));
  return expected[0]?.equals(p) || anyDigestMatches(expected, [p]);
}`),
      /used other than as anyDigestMatches's first argument/,
    ],
    ['hmacSha256 handed around as a value', provider(`const digestOf = hmacSha256;`), /hmacSha256 used as a value/],
    [
      'an HMAC computed with node:crypto directly',
      `import { createHmac } from 'node:crypto';\nconst sign = (s: string, b: Buffer) => createHmac('sha256', s).update(b).digest('hex');`,
      /createHmac called outside hmacSha256/,
    ],
    [
      'anyDigestMatches returning at the first matching pair',
      `import { bytesEqual } from './signatures';
export function anyDigestMatches(expected: Uint8Array[], provided: Uint8Array[]): boolean {
  for (const want of expected) for (const got of provided) if (bytesEqual(want, got)) return true;
  return false;
}`,
      /leaves its loop early/,
    ],
    [
      'anyDigestMatches skipping comparisons once one matched',
      `import { bytesEqual } from './signatures';
export function anyDigestMatches(expected: Uint8Array[], provided: Uint8Array[]): boolean {
  let matched = false;
  for (const want of expected) for (const got of provided) matched ||= bytesEqual(want, got);
  return matched;
}`,
      /comparison can be skipped \(right of \|\|=\)/,
    ],
    [
      'bytesEqual comparing with Buffer.equals',
      `import { timingSafeEqual } from 'node:crypto';
export function bytesEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && a.equals(b);
}`,
      /bytesEqual calls something other than timingSafeEqual/,
    ],
    [
      'bytesEqual answering a length mismatch without the same work',
      `import { timingSafeEqual } from 'node:crypto';
export function bytesEqual(a: Buffer, b: Buffer): boolean {
  if (a.length !== b.length) {
    return false;
  }
  return timingSafeEqual(a, b);
}`,
      /returns without the timingSafeEqual work on this path/,
    ],
    [
      'bytesEqual comparing byte by byte',
      `import { timingSafeEqual } from 'node:crypto';
export function bytesEqual(a: Buffer, b: Buffer): boolean {
  if (a.length !== b.length) return timingSafeEqual(a, a) && false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}`,
      /bytesEqual compares something other than lengths/,
    ],
  ];

  it.each(cases)('%s', (_name, text, expected) => {
    const { violations } = analyseSource({ file: 'core/providers/planted.ts', text });
    expect(violations.join('\n')).toMatch(expected);
  });
});
