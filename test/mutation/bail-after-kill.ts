/**
 * Jest cannot bail when called programmatically, so a mutant that the first test kills still runs every other test
 * that covers it. During a mutant run this makes the tests after the first failure return at once: each test and
 * `before*` hook checks a marker file named after the active mutant, which a failing test writes (`after*` hooks
 * still run, their failures then ignored). The marker is
 * cleared at the start of every Jest run (./global-setup.ts), so a mutant tested again starts clean. Passing tests
 * are never skipped: a mutant no test kills runs every covering test in full.
 */
import { existsSync, writeFileSync } from 'node:fs';

const mutant = process.env.__STRYKER_ACTIVE_MUTANT__;
// The marker's directory is spelled once, in the sequencer (it also holds the test-files map).
const { killedMarker } = require('./covering-files-sequencer.js') as { killedMarker: (mutant: string) => string };

type Callback = (...args: unknown[]) => unknown;

if (mutant !== undefined) {
  const marker = killedMarker(mutant);
  const killed = () => existsSync(marker);
  const guard = (fn: Callback | undefined): Callback | undefined => {
    if (typeof fn !== 'function') return fn;
    return (...args: unknown[]) => {
      if (killed()) return undefined;
      const noteFailure = (error: unknown) => {
        writeFileSync(marker, '');
        throw error;
      };
      try {
        const result = fn(...args);
        return result instanceof Promise ? result.catch(noteFailure) : result;
      } catch (error) {
        return noteFailure(error);
      }
    };
  };
  const hooks = globalThis as unknown as Record<'beforeAll' | 'beforeEach' | 'afterAll' | 'afterEach', (fn: Callback, timeout?: number) => void>;
  for (const name of ['beforeAll', 'beforeEach'] as const) {
    const original = hooks[name];
    hooks[name] = (fn, timeout) => original((...args) => (killed() ? undefined : fn(...args)), timeout);
  }
  // Clean-up still runs once killed (what a set-up made is undone), but a failure of it, e.g. of a harness whose
  // set-up was skipped, no longer counts: Stryker would file the mutant as a runtime error instead of killed.
  const ignoredOnceKilled = (error: unknown) => {
    if (!killed()) throw error;
  };
  for (const name of ['afterAll', 'afterEach'] as const) {
    const original = hooks[name];
    hooks[name] = (fn, timeout) =>
      original((...args) => {
        try {
          const result = fn(...args);
          return result instanceof Promise ? result.catch(ignoredOnceKilled) : result;
        } catch (error) {
          return ignoredOnceKilled(error);
        }
      }, timeout);
  }
  type TestFn = ((name: string, fn?: Callback, timeout?: number) => void) & Record<string, unknown>;
  const tests = globalThis as unknown as Record<'it' | 'test', TestFn>;
  for (const name of ['it', 'test'] as const) {
    const original = tests[name];
    const wrapped = ((title: string, fn?: Callback, timeout?: number) => original(title, guard(fn), timeout)) as TestFn;
    for (const key of Object.keys(original)) wrapped[key] = original[key];
    wrapped.each = ((...table: unknown[]) => {
      const each = (original.each as (...t: unknown[]) => (title: string, fn: Callback, timeout?: number) => void)(...table);
      return (title: string, fn: Callback, timeout?: number) => each(title, guard(fn) as Callback, timeout);
    }) as unknown;
    tests[name] = wrapped;
  }
}
