/**
 * The operations console: `npm run console -- [--port N] [--outputs FILE]`. A web server on 127.0.0.1 that reads the
 * stack's own table and queue with the user's own credentials (nothing is deployed for it). Prints one line,
 * `console: http://127.0.0.1:<port>/?token=<token>` (contract: docs/ARCHITECTURE.md "Command-line tools"), once it
 * is ready, and stops on Ctrl-C or SIGTERM.
 */
import '../lib/quiet-node-warning';
import { exitCodes, parseCliArgs, runCli, UsageError } from '../lib/cli';
import { ensureLocalStackAnswers, loadOutputs } from '../lib/outputs';
import { DEFAULT_CONSOLE_PORT, startConsole } from './server';
import { openSources } from './sources';

export const usage = `Usage: npm run console -- [--port N] [--outputs FILE]

Opens the operations console: every job, failure, stall, refused delivery and unsent notification at a glance,
with replay and re-drive. It serves on 127.0.0.1 only and prints the URL to open (with a one-time token):
  console: http://127.0.0.1:${DEFAULT_CONSOLE_PORT}/?token=…

Options:
  --port N         port on 127.0.0.1 (default ${DEFAULT_CONSOLE_PORT}; 0 picks any free port)
  --outputs FILE   stack outputs file (default: $LOCAL_OUTPUTS_FILE, else $LOCAL_STATE_DIR/outputs.json); for a
                   deployed stack, the file of \`cdk deploy --outputs-file\` (credentials and region as for the
                   other CLIs)
  -h, --help       this text

Stop it with Ctrl-C.
`;

/** Parses `--port`: a whole number from 0 to 65535. */
export function parsePort(text: string | undefined): number {
  if (text === undefined) return DEFAULT_CONSOLE_PORT;
  const port = Number(text);
  if (!/^\d+$/.test(text) || !Number.isInteger(port) || port > 65535) throw new UsageError(`--port must be a whole number from 0 to 65535, got "${text}"`);
  return port;
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseCliArgs(argv, {
    port: { type: 'string' },
    outputs: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) {
    process.stdout.write(usage);
    return exitCodes.ok;
  }
  const port = parsePort(values.port);
  await ensureLocalStackAnswers(loadOutputs(values.outputs), 'DynamoDbEndpoint');
  const sources = openSources(values.outputs);
  const running = await startConsole({ sources, port });
  process.stdout.write(`console: ${running.url}\n`);
  process.stderr.write(
    `reading ${sources.local ? 'the local stack' : 'the deployed stack'} of ${sources.outputsFile} (table ${sources.tableName}); Ctrl-C to stop\n`,
  );
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    for (const name of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(name, () => resolve(name));
  });
  await running.stop();
  process.stderr.write(`console stopped (${signal})\n`);
  // The SDK clients keep idle connections open; they must not hold the process after a stop.
  process.exit(exitCodes.ok);
}

if (require.main === module) runCli(() => main(process.argv.slice(2)), usage);
