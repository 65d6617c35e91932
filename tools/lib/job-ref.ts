import { builtInRegistry, type ProviderRegistry } from '../../lambda/core/providers';
import { didYouMean } from '../../lambda/core/closest-match';
import { UsageError } from './cli';

/** A job named on the command line, resolved to the keys it is stored under (each provider's own naming). */
export interface JobRef {
  provider: string;
  partitionId: string;
  jobId: string;
}

/** `<provider> <ids…>` as the provider names its jobs (e.g. `contentor <uuid>`, `panjaya <asset_id> [<version_id>]`). */
export function jobRef(args: readonly string[], providers: ProviderRegistry = builtInRegistry): JobRef {
  const [providerArg = '', ...ids] = args;
  const module = providers.get(providerArg);
  const usages = providers.modules.map((m) => m.naming.usage).join(' | ');
  if (!module) {
    throw new UsageError(`provider must be one of ${providers.names.join(', ')}, got "${providerArg}"${didYouMean(providerArg, providers.names)}`);
  }
  const keys = module.naming.fromArgs(ids);
  if (!keys) throw new UsageError(`expected: ${module.naming.usage}  (all: ${usages})`);
  return { provider: module.name, ...keys };
}
