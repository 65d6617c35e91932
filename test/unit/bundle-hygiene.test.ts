/**
 * Function code imports zod as a namespace (`import * as z from 'zod'`): esbuild then keeps only the parts used
 * (~85 KB). The package's `z` object export pulls in every locale and the JSON-schema tooling (~450 KB), which
 * `npm run bench` measured as slower cold starts. Checked on the source so it cannot creep back.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    return statSync(file).isDirectory() ? sources(file) : file.endsWith('.ts') ? [file] : [];
  });
}

it('function code never imports the zod `z` object', () => {
  const offenders = sources(path.resolve(__dirname, '../../lambda')).filter((file) => /import\s*\{[^}]*\bz\b[^}]*\}\s*from\s*'zod'/.test(readFileSync(file, 'utf8')));
  expect(offenders).toEqual([]);
});
