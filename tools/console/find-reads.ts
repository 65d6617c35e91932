/**
 * Finding a job by the id a person has at hand, for any provider: the words the jobs CLI takes after the provider
 * (`<asset_id> <version_id>`), or the job id as shown (`<asset_id>/<version_id>`), or a partition id (a Panjaya asset:
 * the asset and all its versions). Each provider's own naming turns the words into keys; every lookup is a GetItem or
 * one partition Query.
 */
import type { StateItem } from '../../lambda/core/items';
import type { ProviderModule } from '../../lambda/core/providers/provider';
import type { ConsoleSources } from './sources';

/** The longest text the find box takes (ids are bounded at 256 bytes each, providers/ids.ts). */
export const MAX_FIND_CHARS = 1024;

/** The keys `text` may name for `module`: as one id, as CLI words, and as a job id whose parts are joined by `/`. */
export function candidateKeys(module: ProviderModule, text: string): Array<{ partitionId: string; jobId: string }> {
  const trimmed = text.trim();
  // The id as it is (ids may hold spaces), its words, and its parts joined by `/`.
  const wordSets = [[trimmed], trimmed.split(/\s+/), trimmed.split('/')];
  const seen = new Set<string>();
  const keys: Array<{ partitionId: string; jobId: string }> = [];
  for (const words of wordSets) {
    const key = module.naming.fromArgs(words.filter((word) => word !== ''));
    if (key === undefined) continue;
    const id = `${key.partitionId}\u0000${key.jobId}`;
    if (!seen.has(id)) keys.push(key);
    seen.add(id);
  }
  return keys;
}

/** Every job `text` names, in any provider (or only `provider`), each once. */
export async function findJobs(sources: ConsoleSources, text: string, provider?: string): Promise<StateItem[]> {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  const modules = sources.providers.modules.filter((m) => provider === undefined || m.name === provider);
  const lookups = modules.flatMap((module) => [
    ...candidateKeys(module, trimmed).map((key) => sources.queries.getJob(module.name, key.partitionId, key.jobId).then((state) => (state ? [state] : []))),
    // It may name a partition (an asset): its jobs in one Query.
    sources.queries.listPartition(module.name, trimmed),
  ]);
  const found = new Map<string, StateItem>();
  for (const states of await Promise.all(lookups)) for (const state of states) found.set(`${state.pk}\u0000${state.sk}`, state);
  return [...found.values()];
}
