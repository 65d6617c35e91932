/**
 * Runs in a fresh Node process (plain node, bundled by bench/run.ts): the warm per-event CPU measurement of
 * bench/cpu.ts on that process's Node, printed as one `BENCH_RESULT {json}` line. Lets the bench measure the same
 * code on Lambda's Node 24 and on this machine's Node side by side.
 */
import { measureCpu } from './cpu';
import { makeTrust } from './fixtures';

const result = measureCpu(makeTrust());
process.stdout.write(`\nBENCH_RESULT ${JSON.stringify({ node: process.version, result })}\n`);
