/**
 * The local stack's outputs file is never seen half-written (local/write-whole-file.ts): another process reading it
 * in a tight loop while it is rewritten only ever reads a whole version.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeWholeFile } from '../../local/write-whole-file';

// The reader runs until told to stop, counting reads of the file that are not one whole version (JSON that parses).
const reader = `
const { readFileSync } = require('node:fs');
let reads = 0, partial = 0, stop = false;
process.stdin.on('data', () => { stop = true; });
(function loop() {
  for (let i = 0; i < 200; i++) {
    try { JSON.parse(readFileSync(process.argv[1], 'utf8')); reads++; } catch (e) { if (e.code !== 'ENOENT') partial++; }
  }
  if (stop) { process.stdout.write(JSON.stringify({ reads, partial })); return; }
  setImmediate(loop);
})();
`;

it('is only ever read whole by another process while it is rewritten', async () => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'whole-file-')), 'outputs.json');
  writeWholeFile(file, JSON.stringify({ version: 0 }));
  const child = spawn(process.execPath, ['-e', reader, file], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  const big = 'x'.repeat(512 * 1024);
  for (let version = 1; version <= 150; version++) {
    writeWholeFile(file, JSON.stringify({ version, big }));
    await new Promise((resolve) => setImmediate(resolve));
  }
  child.stdin.end('stop');
  await once(child, 'exit');
  const { reads, partial } = JSON.parse(out) as { reads: number; partial: number };
  expect(reads).toBeGreaterThan(0);
  expect(partial).toBe(0);
});
