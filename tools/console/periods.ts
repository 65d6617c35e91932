/** The periods the overview offers, and the hours its chart is divided into. Pure. */

export const HOUR_MS = 3_600_000;

/** A period the overview looks back over. */
export interface Period {
  /** As in the URL and the CLIs' `--since`. */
  readonly id: string;
  readonly label: string;
  readonly ms: number;
}

export const periods: readonly Period[] = [
  { id: '6h', label: '6 hours', ms: 6 * HOUR_MS },
  { id: '24h', label: '24 hours', ms: 24 * HOUR_MS },
  { id: '3d', label: '3 days', ms: 72 * HOUR_MS },
  { id: '7d', label: '7 days', ms: 168 * HOUR_MS },
];

export const DEFAULT_PERIOD: Period = periods[1] as Period;

/** The period named in the URL, or the default for anything else. */
export function periodOf(id: string | null | undefined): Period {
  return periods.find((p) => p.id === id) ?? DEFAULT_PERIOD;
}

/** The start of the period that ends `now`. */
export function periodStart(period: Period, now: Date): Date {
  return new Date(now.getTime() - period.ms);
}

/**
 * The hours from `since` to `now`, oldest first, as each hour's start (ISO): the first contains `since`, the last
 * `now`, so every time in the period falls in one of them.
 */
export function hourStarts(since: Date, now: Date): string[] {
  const first = Math.floor(since.getTime() / HOUR_MS);
  const last = Math.floor(now.getTime() / HOUR_MS);
  return Array.from({ length: last - first + 1 }, (_, i) => new Date((first + i) * HOUR_MS).toISOString());
}

/** How many of `times` (ISO) fall in each hour of `starts` (as from {@link hourStarts}); earlier ones are not counted. */
export function countPerHour(starts: readonly string[], times: readonly string[]): number[] {
  const counts = starts.map(() => 0);
  const first = starts[0] === undefined ? Number.NaN : Date.parse(starts[0]);
  for (const time of times) {
    const index = Math.floor((Date.parse(time) - first) / HOUR_MS);
    if (index >= 0 && index < counts.length) counts[index] = (counts[index] ?? 0) + 1;
  }
  return counts;
}
