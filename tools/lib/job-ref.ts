import { ProviderNameSchema, type ProviderName } from '../../lambda/core/model';
import { UsageError } from './cli';

/** A job named on the command line, resolved to the keys it is stored under (DESIGN.md job ids). */
export interface JobRef {
  provider: ProviderName;
  partitionId: string;
  jobId: string;
}

/** `contentor <uuid>` | `panjaya <asset_id> [<version_id>]` */
export function jobRef(args: readonly string[]): JobRef {
  const [providerArg, first, second, ...rest] = args;
  const provider = ProviderNameSchema.safeParse(providerArg);
  if (!provider.success) throw new UsageError(`provider must be one of ${ProviderNameSchema.options.join(', ')}, got "${providerArg ?? ''}"`);
  if (!first || rest.length > 0) throw new UsageError('expected: contentor <uuid> | panjaya <asset_id> [<version_id>]');
  if (provider.data === 'contentor') {
    if (second) throw new UsageError('a Contentor job is named by its uuid alone');
    return { provider: 'contentor', partitionId: first, jobId: first };
  }
  return { provider: 'panjaya', partitionId: first, jobId: second ? `${first}/${second}` : first };
}
