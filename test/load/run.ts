/**
 * `npm run test:load -- [--size N]`: the load and fault run at full size (test/load/harness/run-load.ts), with its
 * report on stdout. The CI-sized run is test/load/load.test.ts.
 */
import '../../tools/lib/quiet-node-warning';
import { exitCodes, runCli, UsageError, parseCliArgs } from '../../tools/lib/cli';
import { formatLoadReport } from './harness/report';
import { runLoad } from './harness/run-load';

export const usage = `Usage: npm run test:load -- [--size N] [--senders N] [--no-faults] [--seed N] [--json]

Starts the local stack in-process (temp state dir, free port), sends about N distinct signed deliveries (plus ~10%
duplicates) for both providers from concurrent retrying senders, injects faults, re-drives, and verifies that
nothing was lost or doubled. Prints events/s and latency percentiles.
  --size N       distinct deliveries (default 2000)
  --senders N    concurrent senders (default 16)
  --no-faults    no DynamoDB/fauxqs kills and no poison record
  --seed N       shuffle/duplicate seed (default 1)
  --json         print the report as JSON
Exit status: 0 when every check passed, 1 when one failed, 2 on usage errors.
`;

async function main(argv: string[]): Promise<number> {
  const { values } = parseCliArgs(argv, {
    size: { type: 'string', default: '2000' },
    senders: { type: 'string', default: '16' },
    'no-faults': { type: 'boolean', default: false },
    seed: { type: 'string', default: '1' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) {
    process.stdout.write(usage);
    return exitCodes.ok;
  }
  const positive = (name: string, text: string) => {
    const n = Number(text);
    if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--${name} must be a positive integer, got ${text}`);
    return n;
  };
  // Thousands of per-request log lines would bury the report; errors still show.
  process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
  const report = await runLoad({
    size: positive('size', values.size),
    senders: positive('senders', values.senders),
    seed: positive('seed', values.seed),
    duplicateRate: 0.1,
    faults: !values['no-faults'],
    log: (line) => process.stderr.write(`[load] ${line}\n`),
  });
  process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatLoadReport(report));
  return report.problems.length === 0 ? exitCodes.ok : exitCodes.failure;
}

if (require.main === module) runCli(() => main(process.argv.slice(2)), usage);
