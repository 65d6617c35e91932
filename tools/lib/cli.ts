/** Small shared pieces of the command-line tools: argument parsing, durations, exit codes, printing. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { didYouMean } from '../../lambda/core/closest-match';

export const exitCodes = { ok: 0, failure: 1, usage: 2, notFound: 3 } as const;

/** A mistake in how the tool was called: exit 2 with the message and a pointer to --help (see {@link runCli}). */
export class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * `util.parseArgs` in strict mode, with usage errors people can act on: an unknown option is named together with the
 * closest valid one (`unknown option --uid (did you mean --uuid?)`), a missing value names its option. Every CLI
 * here parses through this, so the wording and the exit code (2, through {@link runCli}) are the same everywhere.
 */
export function parseCliArgs<const O extends Options, const P extends boolean = false>(argv: readonly string[], options: O, allowPositionals?: P) {
  const config = { args: [...argv], options, allowPositionals: (allowPositionals ?? false) as P, strict: true as const };
  try {
    return parseArgs(config);
  } catch (error) {
    throw new UsageError(describeParseError(error, options));
  }
}

/** The names a user can type: `--name` for each option and `-x` for its short form. */
function spellings(options: Options): string[] {
  return Object.entries(options).flatMap(([name, o]) => [`--${name}`, ...(o.short ? [`-${o.short}`] : [])]);
}

function describeParseError(error: unknown, options: Options): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: string }).code;
  const named = /'(-{1,2}[^'\s=]+)/.exec(message)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && named) {
    return `unknown option ${named}${didYouMean(
      named,
      spellings(options).filter((s) => s.startsWith('--')),
    )}`;
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && named) {
    const option = options[named.replace(/^-+/, '')];
    return option?.type === 'boolean' ? `${named} takes no value` : `${named} needs a value`;
  }
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    const argument = /'([^']*)'/.exec(message)?.[1];
    return `unexpected argument${argument === undefined ? '' : ` "${argument}"`}: this command takes options only`;
  }
  return message;
}

/**
 * A value that must be one of `allowed`: returned as is, or a UsageError naming `what`, the valid values and the
 * closest one (`unknown status "faild" (did you mean failed?): use one of …`).
 */
export function oneOf<T extends string>(value: string, allowed: readonly T[], what: string): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`unknown ${what} "${value}"${didYouMean(value, allowed)}: use one of ${allowed.join(', ')}`);
}

/** "90s", "15m", "2h", "7d" → milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(text.trim());
  if (!match) throw new UsageError(`not a duration: "${text}" (use e.g. 30s, 15m, 2h, 7d)`);
  const factor = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * factor;
}

/** An ISO time, or a duration meaning "that long ago". */
export function parseSince(text: string, now = new Date()): string {
  const asDate = new Date(text);
  if (/^\d{4}-\d{2}-\d{2}/.test(text) && !Number.isNaN(asDate.getTime())) return asDate.toISOString();
  return new Date(now.getTime() - parseDuration(text)).toISOString();
}

/** `npm run send -- --help` from a usage text starting `Usage: npm run send -- …` (the --help command to point at). */
export function helpCommand(usage: string): string {
  const match = /^Usage: (npm run (?:--silent )?\S+ --)/.exec(usage.trim());
  return match?.[1] ? `${match[1].replace('--silent ', '')} --help` : '--help';
}

/**
 * Runs a CLI main: usage errors exit 2 with the message and a pointer to --help (not the whole usage text, which
 * would bury the one line that matters); anything else exits 1 with a one-line message.
 */
export function runCli(main: () => Promise<number>, usage: string): void {
  main()
    .then((code) => {
      process.exitCode = code;
    })
    .catch((error: unknown) => {
      if (error instanceof UsageError) {
        process.stderr.write(`error: ${error.message}\nSee \`${helpCommand(usage)}\` for usage.\n`);
        process.exitCode = exitCodes.usage;
        return;
      }
      process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = exitCodes.failure;
    });
}
