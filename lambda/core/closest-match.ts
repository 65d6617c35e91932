/**
 * "Did you mean …?" for misspelled names, one rule everywhere: context keys at synth (lib/config.ts), configured
 * providers' fields and names (providers/configured/config-schema.ts), options, providers and statuses in the CLIs. Optimal-string-alignment distance: insertions, deletions, substitutions and swaps of two
 * neighbouring characters (`jsno` → `json`) each cost 1. Pure, no dependencies.
 */

/** Edit distance between `a` and `b` (case-sensitive). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  const at = (i: number, j: number) => d[i]?.[j] ?? Number.POSITIVE_INFINITY;
  for (let i = 1; i < rows; i++) {
    const row = d[i] as number[];
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      row[j] = best;
    }
  }
  return at(a.length, b.length);
}

/**
 * The candidate closest to `input` (compared case-insensitively), or undefined when none is close enough to be a
 * likely typo: at most a third of the longer name's length (at least 1, so `--uid` still finds `--uuid`), or one
 * name containing the other (`--out` → `--outputs`).
 */
export function closestMatch(input: string, candidates: readonly string[]): string | undefined {
  const wanted = input.toLowerCase();
  let best: { name: string; distance: number } | undefined;
  for (const name of candidates) {
    const distance = editDistance(wanted, name.toLowerCase());
    if (!best || distance < best.distance) best = { name, distance };
  }
  if (!best || wanted.length === 0) return undefined;
  const limit = Math.max(1, Math.floor(Math.max(wanted.length, best.name.length) / 3));
  if (best.distance <= limit) return best.name;
  const contained = candidates.filter((c) => c.toLowerCase().includes(wanted) || wanted.includes(c.toLowerCase()));
  return contained.length === 1 ? contained[0] : undefined;
}

/** ` (did you mean X?)` or an empty string: for the end of an error message. */
export function didYouMean(input: string, candidates: readonly string[], format: (name: string) => string = (n) => n): string {
  const match = closestMatch(input, candidates);
  return match === undefined ? '' : ` (did you mean ${format(match)}?)`;
}
