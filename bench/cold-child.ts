/**
 * Runs in a fresh Node process (plain node, no tsx; bundled by cold-init.ts): loads one handler bundle and makes its
 * first call, as a Lambda cold start does, then prints one `BENCH_RESULT {json}` line on stdout.
 * argv: <bundle file> <event JSON file>.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

async function main(): Promise<void> {
  const [bundle, eventFile] = process.argv.slice(2);
  if (!bundle || !eventFile) throw new Error('usage: cold-child <bundle> <event.json>');
  const event: unknown = JSON.parse(readFileSync(eventFile, 'utf8'));
  const start = performance.now();
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS bundle, loaded the way Lambda loads it
  const loaded = require(bundle) as { handler: Handler };
  const imported = performance.now();
  const result = await loaded.handler(event, { awsRequestId: 'cold-init-bench' });
  const done = performance.now();
  const line = { importMs: imported - start, firstCallMs: done - imported, totalMs: done - start, result };
  process.stdout.write(`\nBENCH_RESULT ${JSON.stringify(line)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`cold-child failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
