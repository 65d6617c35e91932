/** Small shared pieces of the command-line tools: durations, exit codes, printing. */

export const exitCodes = { ok: 0, failure: 1, usage: 2, notFound: 3 } as const;

export class UsageError extends Error {}

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

/** Runs a CLI main, mapping usage errors to exit 2 and anything else to exit 1 with a one-line message. */
export function runCli(main: () => Promise<number>, usage: string): void {
  main()
    .then((code) => {
      process.exitCode = code;
    })
    .catch((error: unknown) => {
      if (error instanceof UsageError) {
        process.stderr.write(`${error.message}\n\n${usage}`);
        process.exitCode = exitCodes.usage;
        return;
      }
      process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = exitCodes.failure;
    });
}
