/**
 * Re-drive notifications that were never delivered: terminal events still carrying the pending-index keys (found
 * through the sparse `pendingNotifications` index, no Scan), older than a given age so the live fan-out is not
 * raced. Dry-run by default; `--execute` publishes each through the same builder, publisher and ledger mark as the
 * fan-out function. Also reads the fan-out dead-letter queue (without consuming it) and reports the shards and
 * sequence ranges its failure records point at. The logic: tools/lib/redrive-run.ts; the target: redrive-target.ts.
 */
import './lib/quiet-node-warning';
import { exitCodes, parseCliArgs, parseDuration, runCli, UsageError } from './lib/cli';
import { ensureLocalStackAnswers } from './lib/outputs';
import { formatReport, runRedrive } from './lib/redrive-run';
import { openRedriveTarget } from './lib/redrive-target';

// The logic lives in tools/lib/redrive-run.ts (the console runs it too); re-exported for the tests that drive it.
export { formatReport, readDeadLetters, runRedrive } from './lib/redrive-run';
export type { DlqEntry, RedriveDeps, RedriveOptions, RedriveReport } from './lib/redrive-run';

export const usage = `Usage: npm run redrive -- [--older-than 5m] [--execute] [--outputs FILE] [--dlq-url URL] [--limit N] [--json]

Lists terminal events whose notification was never published (dry run), or publishes them (--execute).
  --older-than D   only events received more than D ago (30s, 5m, 2h; default 5m, so the live fan-out is not raced)
  --execute        publish them (one SNS message each) and mark them notified
  --outputs FILE   stack outputs file (default: $LOCAL_OUTPUTS_FILE, else $LOCAL_STATE_DIR/outputs.json)
  --dlq-url URL    fan-out dead-letter queue to report on (default: DeadLetterQueueUrl from the outputs file)
  --limit N        at most N events
  --json           print the report as JSON
Exit status: 0 when nothing failed, 1 when a publish failed, 2 on usage errors.
`;

async function main(argv: string[]): Promise<number> {
  const { values } = parseCliArgs(argv, {
    'older-than': { type: 'string', default: '5m' },
    execute: { type: 'boolean', default: false },
    outputs: { type: 'string' },
    'dlq-url': { type: 'string' },
    limit: { type: 'string' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) {
    process.stdout.write(usage);
    return exitCodes.ok;
  }
  const olderThanMs = values['older-than'] === '0' ? 0 : parseDuration(values['older-than']);
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) throw new UsageError(`--limit must be a positive integer, got ${values.limit}`);
  const target = openRedriveTarget(values.outputs, process.env, values['dlq-url']);
  await ensureLocalStackAnswers(target.outputs, 'DynamoDbEndpoint');
  const { dlqUrl } = target;
  const report = await runRedrive({ olderThanMs, execute: values.execute, limit, dlqUrl }, target.deps);
  process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
  if (!dlqUrl && !values.json) process.stdout.write('(no dead-letter queue given: pass --dlq-url to report on it)\n');
  return report.failed.length > 0 ? exitCodes.failure : exitCodes.ok;
}

if (require.main === module) runCli(() => main(process.argv.slice(2)), usage);
