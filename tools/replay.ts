/**
 * Quarantine and replay of refused deliveries: `npm run replay -- list|run [options]`. `--json` output is a contract
 * (docs/ARCHITECTURE.md "Command-line tools"). Logic: tools/lib/replay-run.ts; target and trust:
 * tools/lib/replay-target.ts.
 */
import './lib/quiet-node-warning';
import { cliProviders } from './lib/cli-providers';
import { defaultOutputsFile, ensureLocalStackAnswers, loadOutputs } from './lib/outputs';
import { exitCodes, parseCliArgs, parseSince, runCli, UsageError } from './lib/cli';
import { listQuarantined, runReplay, type QuarantineView, type ReplayFilters, type ReplayReport } from './lib/replay-run';
import { openReplayTarget } from './lib/replay-target';

const providerRoutes = cliProviders(defaultOutputsFile()).names;

export const usage = `Usage: npm run --silent replay -- <list|run> [options]

Deliveries the receiver refused with 401 (signature) or 400 (payload) are kept for a while (default 14 days), so
they can be verified again once the secret, key or code is fixed.

Commands:
  list     quarantined deliveries, newest first
  run      re-submit them through the receiver's own verification and ingest code, with the keys and secrets in
           force now and their original receive time. Accepted ones are stored and notified as if they had just
           arrived and leave the quarantine; duplicates of stored events leave it too; refused ones stay.
           Without --execute this is a dry run: it verifies each delivery and reads (never writes) the job's state
           to tell whether it would be accepted or a duplicate. Running it twice changes nothing the second time.

Options:
  --since D|ISO    only deliveries received since then (30m, 2h, 7d or an ISO time; default: all that are kept)
  --provider P     only this provider route (${providerRoutes.join(', ')})
  --reason R       only this reason (e.g. invalid_signature, missing_signature, malformed_signature, invalid_payload)
  --execute        run: store and remove (without it, nothing is written)
  --outputs FILE   stack outputs file (default: $LOCAL_OUTPUTS_FILE, else $LOCAL_STATE_DIR/outputs.json)
  --json           list: one JSON array; run: one JSON object with matched, accepted, duplicate, rejected
  -h, --help       this text

Trust: against the local stack, the same environment as npm start (CONTENTOR_WEBHOOK_SECRETS, PANJAYA_PUBLIC_KEYS,
LOCAL_PROVIDER_SECRETS, else the development keys and secrets in the state dir). Against a deployed stack, every
provider's secret from Secrets Manager (ProviderSecretArns in the outputs file) and the Panjaya keys from
PANJAYA_PUBLIC_KEYS, else cdk.json.

Exit codes: 0 ok (refused-again deliveries included), 1 error or a replay that hit a storage failure, 2 usage.
`;

const options = {
  since: { type: 'string' },
  provider: { type: 'string' },
  reason: { type: 'string' },
  execute: { type: 'boolean', default: false },
  outputs: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/** The CLIs' shared parser: an unknown option is named with the closest valid one and a pointer to --help (exit 2). */
function parse(argv: string[]) {
  return parseCliArgs(argv, options, true);
}

function table(rows: readonly QuarantineView[]): string {
  if (rows.length === 0) return '(no quarantined deliveries)\n';
  const lines = rows.map((r) => [r.receivedAt, r.provider, String(r.httpStatus), r.reason, r.deliveryId, `${r.bodyBytes} B`, r.detail ?? '']);
  const header = ['receivedAt', 'provider', 'status', 'reason', 'deliveryId', 'body', 'detail'];
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return `${[line(header), line(widths.map((w) => '-'.repeat(w))), ...lines.map(line)].join('\n')}\n`;
}

export function formatRunReport(report: ReplayReport): string {
  const verb = report.executed ? '' : 'would be ';
  const lines = [`${report.executed ? 'Replayed' : 'Dry run over'} ${report.matched} quarantined deliver${report.matched === 1 ? 'y' : 'ies'}.`];
  for (const d of report.deliveries) {
    const now = d.now ? `: ${d.now.httpStatus} ${d.now.reason} (${d.now.detail})` : d.eventId ? ` (event ${d.eventId})` : '';
    lines.push(`  ${d.receivedAt}  ${d.provider.padEnd(9)} ${d.deliveryId}  ${d.outcome === 'failed' ? 'failed' : `${verb}${d.outcome}`}${now}`);
  }
  lines.push(
    `${verb ? 'Would be accepted' : 'Accepted'} ${report.accepted}, duplicate ${report.duplicate}, refused again ${report.rejected}, failed ${report.failed}.`,
  );
  if (!report.executed && report.accepted + report.duplicate > 0)
    lines.push('Nothing was written. Add --execute to store them and clear them from the quarantine.');
  for (const u of report.unreadable) lines.push(`  not a quarantine item, left alone: ${u.pk} ${u.sk}: ${u.reason}`);
  return `${lines.join('\n')}\n`;
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv);
  if (values.help) {
    process.stdout.write(usage);
    return exitCodes.ok;
  }
  const [command, ...rest] = positionals;
  if (command !== 'list' && command !== 'run')
    throw new UsageError(command === undefined ? 'missing command: list or run' : `unknown command "${command}": use list or run`);
  if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
  if (values.provider !== undefined && !providerRoutes.includes(values.provider)) {
    throw new UsageError(`unknown provider "${values.provider}": use one of ${providerRoutes.join(', ')}`);
  }
  if (values.reason !== undefined && !/^[a-z_]+$/.test(values.reason)) throw new UsageError(`not a reason code: "${values.reason}" (e.g. invalid_signature)`);
  if (command === 'list' && values.execute) throw new UsageError('--execute applies to run only');

  // A stale local outputs file reads as the same message every CLI gives, not as a raw ECONNREFUSED.
  await ensureLocalStackAnswers(loadOutputs(values.outputs), 'DynamoDbEndpoint');
  const target = openReplayTarget(values.outputs);
  const now = new Date();
  const filters: ReplayFilters = {
    providers: values.provider === undefined ? providerRoutes : [values.provider],
    // Default: everything still kept (TTL removal runs late, so one day more than the retention).
    sinceIso: values.since === undefined ? new Date(now.getTime() - (target.retentionDays + 1) * 86_400_000).toISOString() : parseSince(values.since, now),
    reason: values.reason,
  };

  if (command === 'list') {
    const { deliveries, unreadable } = await listQuarantined(target.quarantine, filters, now);
    process.stdout.write(values.json ? `${JSON.stringify(deliveries, null, 2)}\n` : table(deliveries));
    for (const u of unreadable) process.stderr.write(`not a quarantine item, left alone: ${u.pk} ${u.sk}: ${u.reason}\n`);
    return exitCodes.ok;
  }
  const report = await runReplay(filters, values.execute, {
    quarantine: target.quarantine,
    ingestDeps: target.ingestDeps,
    dryRunStore: target.dryRunStore,
  });
  process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatRunReport(report));
  return report.failed > 0 ? exitCodes.failure : exitCodes.ok;
}

if (require.main === module) runCli(() => main(process.argv.slice(2)), usage);
