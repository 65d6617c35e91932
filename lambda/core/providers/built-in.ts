/**
 * The built-in providers: the one line a built-in adds besides its module. Kept apart from index.ts so the
 * configured providers' schema can refuse a built-in's name without an import cycle.
 */
import { contentor } from './contentor';
import { panjaya } from './panjaya';
import type { ProviderModule } from './provider';

/** The built-in providers, in the order the CLIs list them. */
export const builtInProviders: readonly ProviderModule[] = [panjaya as ProviderModule, contentor as ProviderModule];

/** The built-ins that name their secret's ARN in a stack output of their own (Contentor: `ContentorSecretArn`). */
export const builtInSecretOutputs: readonly { readonly module: ProviderModule; readonly outputName: string }[] = builtInProviders.flatMap((module) =>
  module.trust.kind === 'secrets' && module.trust.outputName ? [{ module, outputName: module.trust.outputName }] : [],
);

/** Whether `name` is a built-in provider's route name. */
export const isBuiltInProvider = (name: string): boolean => builtInProviders.some((module) => module.name === name);
