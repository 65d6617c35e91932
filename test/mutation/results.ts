/** Shapes and small rules of the mutation results (test/mutation/run.ts writes them to bench/mutation-results.json). */

/** The part of Stryker's JSON report (mutation-testing-report-schema) read here. */
export interface StrykerReport {
  readonly schemaVersion?: string;
  readonly files: Record<
    string,
    {
      readonly source: string;
      readonly mutants: ReadonlyArray<{
        readonly mutatorName: string;
        readonly replacement?: string;
        readonly status: 'Killed' | 'Survived' | 'NoCoverage' | 'Timeout' | 'CompileError' | 'RuntimeError' | 'Ignored' | 'Pending';
        readonly location: { readonly start: { readonly line: number; readonly column: number } };
      }>;
    }
  >;
}
type Mutant = StrykerReport['files'][string]['mutants'][number];

/** A surviving mutant that may stay, and why. `code` is a piece of the mutated line, so a moved line still matches. */
export interface AcceptedSurvivor {
  readonly file: string;
  readonly mutator: string;
  readonly replacement: string;
  readonly code: string;
  readonly reason: string;
}

export interface FileResult {
  runAt: string;
  killed: number;
  timeout: number;
  survived: number;
  noCoverage: number;
  /** Mutants the TypeScript checker refused or that broke the test run: not counted in the score. */
  invalid: number;
  score: number | null;
  open: Array<{ line: number; status: string; mutator: string; replacement: string; code: string; accepted?: string }>;
}

export interface MutationResults {
  about: string;
  lastRun: { at: string; seconds: number; args: readonly string[]; stryker: string };
  promiseModules: { files: number; killed: number; survived: number; noCoverage: number; timeout: number; score: number | null; unacceptedOpen: number };
  allFiles: { files: number; killed: number; survived: number; noCoverage: number; timeout: number; score: number | null };
  files: Record<string, FileResult>;
}

/**
 * The modules that hold a promise of README.md, docs/SECURITY.md or docs/RELIABILITY.md: providers and crypto,
 * the write plan, ingest, the fan-out and which stream records reach it, notifications and their publishing to SNS,
 * people's alerts (rate ceiling and digests), the watchdog (stalled jobs), the quarantine, the event store, the job
 * queries and the ledger, secrets, and the metrics the alarms read. The event store's state writes are decided in
 * core/state-transition.ts and spelled in adapters/state-update-expressions.ts.
 */
export const promiseModules: readonly RegExp[] = [
  /^lambda\/core\/providers\//,
  /^lambda\/core\/crypto\//,
  /^lambda\/core\/json\//,
  /^lambda\/core\/write-plan\.ts$/,
  /^lambda\/core\/event-items\.ts$/,
  /^lambda\/core\/state-transition\.ts$/,
  /^lambda\/core\/ingest\.ts$/,
  /^lambda\/core\/fanout\.ts$/,
  /^lambda\/core\/notification\//,
  /^lambda\/core\/alerts\//,
  /^lambda\/adapters\/dynamo-alert-store\.ts$/,
  /^lambda\/core\/watchdog\//,
  /^lambda\/adapters\/dynamo-watchdog-store\.ts$/,
  /^lambda\/adapters\/dynamo-job-queries\.ts$/,
  /^lambda\/adapters\/sns-publisher\.ts$/,
  /^lambda\/core\/stream-filter\.ts$/,
  /^lambda\/adapters\/secret-source\.ts$/,
  /^lambda\/core\/secret-values\.ts$/,
  /^lambda\/adapters\/telemetry\.ts$/,
  /^lambda\/core\/quarantine\.ts$/,
  /^lambda\/adapters\/dynamo-event-store\.ts$/,
  /^lambda\/adapters\/state-update-expressions\.ts$/,
  /^lambda\/adapters\/dynamo-quarantine-store\.ts$/,
  /^lambda\/adapters\/notification-ledger\.ts$/,
];

export function scoreOf(mutants: readonly Mutant[]): Omit<FileResult, 'runAt' | 'open'> {
  const count = (status: Mutant['status']) => mutants.filter((m) => m.status === status).length;
  const killed = count('Killed');
  const timeout = count('Timeout');
  const survived = count('Survived');
  const noCoverage = count('NoCoverage');
  const valid = killed + timeout + survived + noCoverage;
  return {
    killed,
    timeout,
    survived,
    noCoverage,
    invalid: count('CompileError') + count('RuntimeError'),
    score: valid === 0 ? null : Math.round(((killed + timeout) / valid) * 10000) / 100,
  };
}

export function mutantKey(file: string, mutant: Mutant, lineText: string): { file: string; mutator: string; replacement: string; lineText: string } {
  return { file, mutator: mutant.mutatorName, replacement: mutant.replacement ?? '', lineText };
}

/** The reason an accepted survivor may stay, if `key` is one. */
export function accepted(list: readonly AcceptedSurvivor[], key: ReturnType<typeof mutantKey>): string | undefined {
  return list.find((a) => a.file === key.file && a.mutator === key.mutator && a.replacement === key.replacement && key.lineText.includes(a.code))?.reason;
}
