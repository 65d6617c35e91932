/**
 * The shared pieces every provider module is built from (lambda/core/providers/provider.ts, built-in.ts, index.ts):
 * status and rank lookups as senders spell names, the naming of single-id jobs on the CLIs, the words for an event
 * the provider does not document, and which providers are built in.
 */
import { builtInProviders, builtInRegistry, builtInSecretOutputs, isBuiltInProvider, providerRegistry, registryOf } from '../../../lambda/core/providers';
import { contentor } from '../../../lambda/core/providers/contentor';
import { panjaya } from '../../../lambda/core/providers/panjaya';
import { describeFrom, eventTypeKey, lookupStatus, singleIdNaming, tableLifecycle, type ProviderModule } from '../../../lambda/core/providers/provider';
import { jobRef } from '../../../tools/lib/job-ref';
import { contentorItem, panjayaItem } from '../../helpers/event-item-fixtures';

describe('status and rank lookups', () => {
  it('read a name as senders drift in case and stray whitespace', () => {
    expect(eventTypeKey('  Version_Generated\t')).toBe('version_generated');
    expect(panjaya.statusOf('VERSION_FAILED ')).toBe('failed');
    expect(panjaya.rankOf(' Version_Generated')).toBe(panjaya.rankOf('version_generated'));
    expect(contentor.statusOf('\nCompleted')).toBe('succeeded');
  });
  it('fall back for names not in the table, including inherited object properties', () => {
    for (const name of ['archived', 'constructor', '__proto__', 'toString', 'hasOwnProperty', '']) {
      expect(panjaya.statusOf(name)).toBe('unknown');
      expect(panjaya.rankOf(name)).toBe(0);
    }
    expect(lookupStatus({ a: 1 }, 'b', 7)).toBe(7);
    expect(lookupStatus({ a: undefined as unknown as number }, 'a', 7)).toBe(7);
    expect(lookupStatus({ a: 0 }, 'A', 7)).toBe(0);
  });
  it('list the documented names, and rank a later stage above an earlier one', () => {
    const lifecycle = tableLifecycle({ queued: 'in_progress', done: 'succeeded' }, { queued: 1, done: 2 });
    expect(lifecycle.knownEventTypes).toEqual(['queued', 'done']);
    expect([lifecycle.statusOf('Done'), lifecycle.rankOf('Done'), lifecycle.rankOf('queued'), lifecycle.rankOf('other')]).toEqual(['succeeded', 2, 1, 0]);
    expect(lifecycle.statusOf('other')).toBe('unknown');
  });
});

describe('a job named by one id', () => {
  const naming = singleIdNaming('acme', 'run_id');
  it('is written `<provider> <id>` in usage texts', () => {
    expect(naming.usage).toBe('acme <run_id>');
    expect(contentor.naming.usage).toBe('contentor <uuid>');
  });
  it('takes exactly one non-empty word, which is both partition and job', () => {
    expect(naming.fromArgs(['r-1'])).toEqual({ partitionId: 'r-1', jobId: 'r-1' });
    for (const words of [[], [''], ['r-1', 'r-2']]) expect(naming.fromArgs(words)).toBeUndefined();
    expect(() => jobRef(['contentor'])).toThrow(/^expected: contentor <uuid> {2}\(all: /);
  });
  it('is named back by its job id, and called a job', () => {
    expect(naming.toArgs({ partitionId: 'p', jobId: 'r-1' })).toEqual(['r-1']);
    expect(naming.kindOf({ partitionId: 'r-1', jobId: 'r-1' })).toBe('job');
  });
});

describe('the words for an event a provider does not document', () => {
  it('say the normalised status, in the provider’s words for its kind of job', () => {
    expect(panjaya.describe(panjayaItem('version_ready', 'a1', 'v1'))).toEqual({
      headline: ['Panjaya version ', { value: 'a1/v1' }, ' ready'],
      explanation: 'Panjaya sent a status this receiver maps to "ready".',
    });
    expect(panjaya.describe(panjayaItem('asset_archived', 'a1'))).toEqual({
      headline: ['Panjaya asset ', { value: 'a1' }, ' unknown'],
      explanation: 'Panjaya sent a status this receiver maps to "unknown".',
    });
  });
  it('use the documented words whatever the case the provider sent', () => {
    const item = { ...panjayaItem('version_failed', 'a1', 'v1'), eventType: 'Version_Failed ' };
    expect(panjaya.describe(item).headline).toEqual(['Panjaya version ', { value: 'a1/v1' }, ' failed (dubbing)']);
  });
  it('are built from any words table the same way', () => {
    const words = describeFrom('Acme', singleIdNaming('acme', 'id'), { done: { outcome: 'finished', explanation: 'Acme finished.' } });
    const item = contentorItem('completed', 'j-1');
    expect(words({ ...item, eventType: 'DONE' })).toEqual({ headline: ['Acme job ', { value: 'j-1' }, ' finished'], explanation: 'Acme finished.' });
    expect(words(item)).toEqual({
      headline: ['Acme job ', { value: 'j-1' }, ' succeeded'],
      explanation: 'Acme sent a status this receiver maps to "succeeded".',
    });
  });
});

describe('the built-in providers', () => {
  it('are Panjaya and Contentor, in that order, and nothing else is one', () => {
    expect(builtInProviders.map((m) => m.name)).toEqual(['panjaya', 'contentor']);
    expect(['panjaya', 'contentor'].map(isBuiltInProvider)).toEqual([true, true]);
    for (const name of ['acme', 'Panjaya', '', 'constructor']) expect(isBuiltInProvider(name)).toBe(false);
  });
  it('name their own secret output only where they keep a shared secret with one (Contentor)', () => {
    expect(builtInSecretOutputs.map(({ module, outputName }) => [module.name, outputName])).toEqual([['contentor', 'ContentorSecretArn']]);
  });
});

describe('a provider registry', () => {
  it('finds each module by its route name and lists them in order', () => {
    expect(builtInRegistry.modules).toEqual([...builtInProviders]);
    expect(builtInRegistry.names).toEqual(['panjaya', 'contentor']);
    expect(builtInRegistry.get('contentor')).toBe(contentor);
  });
  it('refuses a second module with a name already taken, naming it', () => {
    expect(() => registryOf([panjaya as ProviderModule, contentor as ProviderModule, panjaya as ProviderModule])).toThrow(
      new Error('provider "panjaya" is registered twice'),
    );
  });
  it('holds the built-ins alone when no provider is configured', () => {
    expect(providerRegistry().names).toEqual(['panjaya', 'contentor']);
    expect(providerRegistry({}).modules).toHaveLength(2);
  });
});
