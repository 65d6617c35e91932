/** How the configured-provider tests read a refused declaration: its problem lines, and the example with one change. */
import { parseProvidersConfig, ProvidersConfigError } from '../../lambda/core/providers/configured/config-schema';
import { exampleProviders } from '../fixtures/configured-providers';

/** The README example, open to changes a test makes on a copy. */
export type EditableExample = typeof exampleProviders & Record<string, unknown>;

/** The problem lines of a call expected to refuse its configuration; any other outcome fails the test. */
export function problemsOf(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ProvidersConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ProvidersConfigError');
}

/** A deep copy of the example with `change` applied (the shared fixture itself is never touched). */
export function exampleWith(change: (config: EditableExample) => void): EditableExample {
  const config = structuredClone(exampleProviders) as EditableExample;
  change(config);
  return config;
}

/** The problem lines of the example with one change applied. */
export const problemsWith = (change: (config: EditableExample) => void): readonly string[] => problemsOf(() => parseProvidersConfig(exampleWith(change)));
