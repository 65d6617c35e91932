/**
 * Function code imports `zod/mini` as a namespace (`import * as z from 'zod/mini'`): esbuild then keeps only the
 * parts used, and mini schemas are several times cheaper to build at cold start than classic ones (classic attaches
 * dozens of methods to every instance). The `z` object export pulls in every locale and the JSON-schema tooling
 * (~450 KB). `npm run bench` (coldInit) measured both. Checked on the source so neither can creep back;
 * `lib/config.ts` runs at synth and may stay classic.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { readReceiverEnv } from '../../lambda/config/receiver-env';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    return statSync(file).isDirectory() ? sources(file) : file.endsWith('.ts') ? [file] : [];
  });
}

const lambdaSources = () => sources(path.resolve(__dirname, '../../lambda')).map((file) => ({ file, text: readFileSync(file, 'utf8') }));
const zodObjectImport = /import\s*\{[^}]*\bz\b[^}]*\}\s*from\s*'zod(?:\/[\w/]+)?'/;
const classicImport = /from\s*'zod(?:\/v4)?'/;

it('function code never imports the zod `z` object', () => {
  expect(
    lambdaSources()
      .filter((s) => zodObjectImport.test(s.text))
      .map((s) => s.file),
  ).toEqual([]);
});

it('function code imports zod/mini, not classic zod', () => {
  expect(
    lambdaSources()
      .filter((s) => classicImport.test(s.text))
      .map((s) => s.file),
  ).toEqual([]);
});

it('function code loads a zod locale by its own path, not through the namespace (which bundles all of them)', () => {
  expect(
    lambdaSources()
      .filter((s) => /\bz\.locales\b/.test(s.text))
      .map((s) => s.file),
  ).toEqual([]);
});

it('the checks tell the import styles apart', () => {
  expect(zodObjectImport.test("import { z } from 'zod';")).toBe(true);
  expect(zodObjectImport.test("import { z } from 'zod/mini';")).toBe(true);
  expect(zodObjectImport.test("import * as z from 'zod/mini';")).toBe(false);
  expect(classicImport.test("import * as z from 'zod';")).toBe(true);
  expect(classicImport.test("import * as z from 'zod/mini';")).toBe(false);
});

it('zod/mini issues read in English (the locale is loaded once for function code)', () => {
  expect(() => readReceiverEnv({ PANJAYA_PUBLIC_KEYS: 'BEGIN PUBLIC KEY', CONTENTOR_WEBHOOK_SECRETS: 's' })).toThrow(
    'TABLE_NAME: Invalid input: expected string, received undefined',
  );
});
