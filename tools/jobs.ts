/**
 * Query job state: `npm run jobs -- <command>`. Works against the local stack and a deployed stack (table name from
 * the outputs file; AWS credentials from the usual chain). `--json` output is a contract (docs/ARCHITECTURE.md
 * "Command-line tools").
 */
import './lib/quiet-node-warning';
import type { EventItem, StateItem } from '../lambda/core/items';
import type { JobQueries } from '../lambda/core/ports';
import { normalisedStatuses } from '../lambda/core/model';
import { exitCodes, oneOf, parseCliArgs, parseSince, runCli, UsageError } from './lib/cli';
import { cliProviders } from './lib/cli-providers';
import { defaultOutputsFile, ensureLocalStackAnswers, loadOutputs } from './lib/outputs';
import { openJobQueries } from './lib/job-queries';
import { jobRef, type JobRef } from './lib/job-ref';

const usage = `Usage: npm run --silent jobs -- <command> [options]

Commands:
  get contentor <uuid>                      one job's current state
  get panjaya <asset_id> [<version_id>]     a Panjaya version (or the asset-level job)
  get <provider> <jobId>                    a job of a provider declared by configuration (LOCAL_PROVIDERS,
                                            the local stack's providers.json, or cdk.json's providers)
  asset <asset_id>                          a Panjaya asset and all its versions (one Query)
  history contentor <uuid>                  a job's events in time order
  history panjaya <asset_id> [<version_id>]
  history <provider> <jobId>
  list --status <status> [--since 24h|ISO]  jobs now in <status> that entered it since then, newest first
                                            (in_progress, ready, succeeded, failed, unknown, stalled)
  stalled [--since 7d]                      jobs the watchdog marked stalled

Options:
  --json            machine-readable output (get: one JSON object; others: a JSON array)
  --limit N         at most N rows for list/stalled (default 100)
  --outputs FILE    outputs file of the target stack (default: $LOCAL_OUTPUTS_FILE, else $LOCAL_STATE_DIR/outputs.json)
  -h, --help        this text

Exit codes: 0 ok, 1 error, 2 usage, 3 job unknown.
`;

/** The contract fields first (provider, jobId, status, eventType, updatedAt), then the rest of the state. */
export function stateView(state: StateItem) {
  return {
    provider: state.provider,
    jobId: state.jobId,
    status: state.status,
    eventType: state.eventType,
    updatedAt: state.updatedAt,
    occurredAt: state.occurredAt,
    receivedAt: state.receivedAt,
    eventId: state.eventId,
  };
}

function eventView(event: EventItem) {
  return {
    eventId: event.eventId,
    status: event.status,
    eventType: event.eventType,
    occurredAt: event.occurredAt,
    receivedAt: event.receivedAt,
    notified: event.notifyTopic ? (event.notifiedAt ?? 'pending') : undefined,
  };
}

function printTable(rows: Record<string, unknown>[]): void {
  if (rows.length === 0) {
    process.stdout.write('(none)\n');
    return;
  }
  const columns = Object.keys(rows[0] ?? {});
  const cell = (v: unknown) => (v === undefined || v === null ? '' : String(v));
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (values: string[]) =>
    values
      .map((v, i) => v.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  process.stdout.write(`${line(columns)}\n${line(widths.map((w) => '-'.repeat(w)))}\n`);
  for (const row of rows) process.stdout.write(`${line(columns.map((c) => cell(row[c])))}\n`);
}

function print(value: unknown, json: boolean): void {
  if (json) process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  else if (Array.isArray(value)) printTable(value as Record<string, unknown>[]);
  else printTable([value as Record<string, unknown>]);
}

async function getJob(queries: JobQueries, ref: JobRef, json: boolean): Promise<number> {
  const state = await queries.getJob(ref.provider, ref.partitionId, ref.jobId);
  if (!state) {
    process.stderr.write(`unknown job: ${ref.provider} ${ref.jobId}\n`);
    return exitCodes.notFound;
  }
  // The events in the job's history, counted (the state item's own counter counts state moves, not events).
  const view = { ...stateView(state), events: (await queries.history(ref.provider, ref.partitionId, ref.jobId)).length };
  if (json) process.stdout.write(`${JSON.stringify(view)}\n`);
  else print(view, false);
  return exitCodes.ok;
}

export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseCliArgs(
    argv,
    {
      json: { type: 'boolean', default: false },
      status: { type: 'string' },
      since: { type: 'string' },
      limit: { type: 'string' },
      outputs: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    true,
  );
  const [command, ...args] = positionals;
  if (values.help || !command) {
    process.stdout.write(usage);
    return values.help ? exitCodes.ok : exitCodes.usage;
  }
  const limit = values.limit === undefined ? 100 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError('--limit must be a positive integer');
  const json = values.json ?? false;
  const commands = ['get', 'asset', 'history', 'list', 'stalled'];
  oneOf(command, commands, 'command');
  // Checked before any query: a misspelled status would otherwise just list "(none)".
  const status = command === 'stalled' ? 'stalled' : values.status === undefined ? undefined : oneOf(values.status, normalisedStatuses, 'status');
  if (command === 'list' && !status) throw new UsageError(`list needs --status <status> (one of ${normalisedStatuses.join(', ')})`);
  await ensureLocalStackAnswers(loadOutputs(values.outputs), 'DynamoDbEndpoint');
  const queries = openJobQueries(values.outputs);
  switch (command) {
    case 'get':
      return getJob(queries, jobRef(args, cliProviders(values.outputs ?? defaultOutputsFile())), json);
    case 'asset': {
      const [assetId] = args;
      if (!assetId || args.length !== 1) throw new UsageError('asset needs exactly one <asset_id>');
      const states = await queries.listPartition('panjaya', assetId);
      if (states.length === 0) {
        process.stderr.write(`unknown asset: ${assetId}\n`);
        return exitCodes.notFound;
      }
      print(states.map(stateView), json);
      return exitCodes.ok;
    }
    case 'history': {
      const ref = jobRef(args, cliProviders(values.outputs ?? defaultOutputsFile()));
      const events = await queries.history(ref.provider, ref.partitionId, ref.jobId);
      if (events.length === 0) {
        process.stderr.write(`unknown job: ${ref.provider} ${ref.jobId}\n`);
        return exitCodes.notFound;
      }
      print(events.map(eventView), json);
      return exitCodes.ok;
    }
    case 'list':
    case 'stalled': {
      if (!status) throw new UsageError('list needs --status <status>');
      const since = parseSince(values.since ?? (command === 'stalled' ? '7d' : '24h'));
      print((await queries.byStatusSince(status, since, limit)).map(stateView), json);
      return exitCodes.ok;
    }
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

if (require.main === module) runCli(() => main(process.argv.slice(2)), usage);
