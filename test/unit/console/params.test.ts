import { builtInRegistry } from '../../../lambda/core/providers';
import { candidateKeys } from '../../../tools/console/find-reads';
import { decodeCursor, encodeCursor } from '../../../tools/console/list-reads';

const providerModule = (name: string) => {
  const found = builtInRegistry.get(name);
  if (!found) throw new Error(`no ${name}`);
  return found;
};

describe('console page cursors', () => {
  it('round-trip an index key', () => {
    const key = { pk: 'JOB#contentor#a', sk: 'STATE#a', gsi1pk: 'STATUS#failed', gsi1sk: '2026-01-01T00:00:00.000Z#contentor#a' };
    expect(decodeCursor(encodeCursor(key))).toEqual(key);
  });

  it('start from the top for anything we could not have made', () => {
    for (const text of [
      undefined,
      null,
      '',
      'not base64 json',
      Buffer.from('[1,2]').toString('base64url'),
      Buffer.from('{"pk":1}').toString('base64url'),
      Buffer.from('{}').toString('base64url'),
    ]) {
      expect(decodeCursor(text)).toBeUndefined();
    }
    expect(decodeCursor(Buffer.from(JSON.stringify({ pk: 'x'.repeat(3000) })).toString('base64url'))).toBeUndefined();
  });
});

describe('console find', () => {
  it('reads a Panjaya version from the id as shown and from the CLI words, and an asset id as the asset itself', () => {
    const panjaya = providerModule('panjaya');
    expect(candidateKeys(panjaya, 'A1/v1')).toContainEqual({ partitionId: 'A1', jobId: 'A1/v1' });
    expect(candidateKeys(panjaya, ' A1  v1 ')).toContainEqual({ partitionId: 'A1', jobId: 'A1/v1' });
    expect(candidateKeys(panjaya, 'A1')).toEqual([{ partitionId: 'A1', jobId: 'A1' }]);
  });

  it('takes a Contentor id as it is, spaces and slashes included', () => {
    expect(candidateKeys(providerModule('contentor'), 'a b/c')).toContainEqual({ partitionId: 'a b/c', jobId: 'a b/c' });
  });
});
