/**
 * Runs of a property that talks to the emulators, scaled with PROPERTY_RUNS (default 150) like the property suites:
 * `share` of it, at least `min`. `PROPERTY_RUNS=1000 npx jest …` explores more everywhere at once.
 */
export function emulatorPropertyRuns(share: number, min: number): number {
  return Math.max(min, Math.floor(Number(process.env.PROPERTY_RUNS ?? 150) * share));
}
