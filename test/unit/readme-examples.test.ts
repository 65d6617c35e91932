/**
 * The configured-providers example a newcomer copies is one declaration in three places that must not drift: the
 * README's block, the file the walk-through reads (`examples/providers.json`, not linted as source) and the fixture
 * the e2e and infra tests run (test/fixtures/configured-providers.ts).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseProvidersConfig } from '../../lambda/core/providers/configured/config-schema';
import { exampleProviders } from '../fixtures/configured-providers';

const root = path.resolve(__dirname, '../..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');

describe('the configured-providers example', () => {
  const shipped = JSON.parse(readFileSync(path.join(root, 'examples/providers.json'), 'utf8'));

  it('is the README block, the shipped file and the tests fixture alike, and valid', () => {
    const block = /`examples\/providers\.json`:\n\n```json\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBeDefined();
    expect(JSON.parse(block ?? '')).toEqual(shipped);
    expect(shipped).toEqual(exampleProviders);
    expect(() => parseProvidersConfig(shipped, 'examples/providers.json')).not.toThrow();
  });

  it('is what every README command reads (no bare providers.json a newcomer would have to create)', () => {
    const reads = [...readme.matchAll(/\$\(cat ([^)]+)\)/g)].map((m) => m[1]).filter((file) => file?.endsWith('providers.json'));
    expect(reads.length).toBeGreaterThan(0);
    for (const file of reads) expect(file).toBe('examples/providers.json');
  });
});
