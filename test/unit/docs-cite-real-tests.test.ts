/**
 * The docs claim only what a test shows, and name the test (docs/RELIABILITY.md, docs/SECURITY.md): every cited
 * `test/…` path exists, and every test name quoted in the parentheses right after it ("…" marks an elision) is
 * written in that file. A renamed or deleted test otherwise leaves a claim that nothing backs.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');
const docs = ['docs/RELIABILITY.md', 'docs/SECURITY.md', 'docs/ARCHITECTURE.md', 'README.md'];

interface Citation {
  readonly file: string;
  readonly names: readonly string[];
}

/** The text inside the parentheses that open at `text[0]`, nested ones included. */
function parenthesised(text: string): string {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return text.slice(1, i);
  }
  return text.slice(1);
}

function citationsIn(markdown: string): Citation[] {
  return [...markdown.matchAll(/`(test\/[^`\s]+)`/g)].map((match) => {
    const after = markdown.slice((match.index ?? 0) + match[0].length);
    const names = after.startsWith(' (') ? [...parenthesised(after.slice(1)).matchAll(/"([^"]+)"/g)].map((m) => m[1] ?? '') : [];
    return { file: match[1] ?? '', names };
  });
}

/** What a citation claims that the repository does not hold. */
function problemsOf(citation: Citation, read: (file: string) => string | undefined): string[] {
  const source = read(citation.file);
  if (source === undefined) return [`${citation.file} does not exist`];
  return citation.names
    .filter((name) =>
      name
        .split('…')
        .map((part) => part.trim())
        .some((part) => part.length > 0 && !source.includes(part)),
    )
    .map((name) => `${citation.file} has no test named "${name}"`);
}

const readRepoFile = (file: string): string | undefined => {
  const full = path.join(root, file.replace(/\/$/, ''));
  if (!existsSync(full)) return undefined;
  return statSync(full).isDirectory() ? '' : readFileSync(full, 'utf8');
};

describe('the docs cite tests that exist', () => {
  it.each(docs)('%s: every cited test file exists and holds every quoted test name', (doc) => {
    const citations = citationsIn(readFileSync(path.join(root, doc), 'utf8'));
    expect(citations.flatMap((c) => problemsOf(c, readRepoFile))).toEqual([]);
  });

  it('reads enough citations to mean something, names included', () => {
    const all = ['docs/RELIABILITY.md', 'docs/SECURITY.md'].flatMap((doc) => citationsIn(readFileSync(path.join(root, doc), 'utf8')));
    expect(all.length).toBeGreaterThan(40);
    expect(all.flatMap((c) => c.names).length).toBeGreaterThan(20);
  });

  it('flags a missing file, a renamed test and a wrong part around an elision', () => {
    const doc =
      'See `test/unit/nowhere.test.ts`, and `test/unit/ingest.test.ts` ("no such test name"), and ' +
      '`test/property/hostile-input.test.ts` ("never answers 5xx to a signature … from a friend"; "flipping any bit of a signed body … 401 and no write").';
    const problems = citationsIn(doc).flatMap((c) => problemsOf(c, readRepoFile));
    expect(problems).toEqual([
      'test/unit/nowhere.test.ts does not exist',
      'test/unit/ingest.test.ts has no test named "no such test name"',
      'test/property/hostile-input.test.ts has no test named "never answers 5xx to a signature … from a friend"',
    ]);
  });
});
