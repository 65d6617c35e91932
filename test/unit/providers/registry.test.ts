import { bytesEqual, decodeBase64, decodeHex, headerCandidates } from '../../../lambda/core/crypto/signatures';
import { ingest } from '../../../lambda/core/ingest';
import type { NormalisedEvent, StoreOutcome } from '../../../lambda/core/model';
import { normalisedStatuses } from '../../../lambda/core/model';
import { builtInRegistry, providerRegistry, registryOf, builtInProviders } from '../../../lambda/core/providers';
import { contentorStatuses } from '../../../lambda/core/providers/contentor';
import { panjayaEventStatuses } from '../../../lambda/core/providers/panjaya';
import { singleIdNaming, type ProviderModule } from '../../../lambda/core/providers/provider';
import { buildNotification } from '../../../lambda/core/notification';
import { parseStallDeadlines } from '../../../lambda/core/watchdog';
import { trustResolver } from '../../../lambda/core/trust';
import { StaticSecretSource } from '../../../lambda/adapters/secret-source';
import { buildEventItem, placeByTimestamp } from '../../../lambda/core/event-items';
import { jobRef } from '../../../tools/lib/job-ref';

describe('provider registry', () => {
  it('registers one module per built-in provider name, under its own name', () => {
    expect(builtInRegistry.names).toEqual(['panjaya', 'contentor']);
    for (const name of builtInRegistry.names) expect(builtInRegistry.get(name)?.name).toBe(name);
  });
  it('knows nothing of other names, including inherited object properties', () => {
    for (const name of ['github', 'constructor', '__proto__', 'toString', 'Panjaya', '']) expect(builtInRegistry.get(name)).toBeUndefined();
  });
  it('asks for the trust material each provider needs', () => {
    expect(builtInRegistry.get('panjaya')?.trust.kind).toBe('public-keys');
    expect(builtInRegistry.get('contentor')?.trust.kind).toBe('secrets');
  });
  it('refuses two modules with one name', () => {
    expect(() => registryOf([...builtInProviders, builtInProviders[0] as ProviderModule])).toThrow(/registered twice/);
  });
  it('adds configured providers beside the built-ins', () => {
    const registry = providerRegistry({
      acme: {
        label: 'Acme',
        signature: { scheme: 'hmac-sha256', header: 'X-Acme-Signature', encoding: 'hex' },
        jobId: '/job/id',
        status: '/job/state',
        statuses: { done: 'succeeded' },
      },
    });
    expect(registry.names).toEqual(['panjaya', 'contentor', 'acme']);
    expect(registry.get('acme')?.statusOf(' DONE ')).toBe('succeeded');
  });
});

/**
 * A provider that exists only in this test, registered with one line: ingest, the notification, the watchdog's
 * deadlines and the CLI's job naming all use it without a change anywhere else.
 */
describe('a new built-in provider is its module plus one registry line', () => {
  const fake: ProviderModule<{ id: string; state: string }> = {
    name: 'fakeprov',
    label: 'Fake Provider',
    trust: { kind: 'secrets' },
    signatureHeaders: ['x-fake'],
    verify: (request, trust) => {
      if (!trust.secrets.includes(request.headers['x-fake'] ?? '')) throw new Error('unreachable in this test');
      return JSON.parse(request.body.toString('utf8')) as { id: string; state: string };
    },
    normalise: (request, verified) => ({
      provider: 'fakeprov',
      jobId: verified.id,
      partitionId: verified.id,
      status: verified.state === 'ok' ? 'succeeded' : verified.state === 'busy' ? 'in_progress' : 'unknown',
      eventType: verified.state,
      occurredAt: '2026-01-01T00:00:00.000Z',
      body: request.body,
      contentHash: verified.id + verified.state,
      ordering: 'provider-timestamp',
      rank: 1,
    }),
    statusOf: (eventType) => (eventType === 'ok' ? 'succeeded' : eventType === 'busy' ? 'in_progress' : 'unknown'),
    rankOf: () => 1,
    knownEventTypes: ['busy', 'ok'],
    defaultStallDeadlines: { busy: 30 },
    naming: singleIdNaming('fakeprov', 'id'),
    describe: (item) => ({ headline: ['Fake job ', { value: item.jobId }, ' done'], explanation: 'The fake provider finished.' }),
  };
  const registry = registryOf([...builtInProviders, fake as ProviderModule]);

  it('is routed, verified with its own secrets, normalised and stored', async () => {
    const stored: NormalisedEvent[] = [];
    const result = await ingest(
      { providerName: 'fakeprov', body: '{"id":"j-1","state":"ok"}', isBase64Encoded: false, headers: { 'X-Fake': 's3cret' } },
      {
        findProvider: registry.get,
        trust: trustResolver({ secrets: { fakeprov: new StaticSecretSource(['s3cret']) } }),
        store: { store: async (event): Promise<StoreOutcome> => (stored.push(event), { outcome: 'accepted', eventId: 'e1', writeUnits: 0 }) },
        maxBodyBytes: 1024,
        now: () => new Date(),
      },
    );
    expect(result.kind).toBe('stored');
    expect(stored[0]).toMatchObject({ provider: 'fakeprov', jobId: 'j-1', status: 'succeeded' });
  });
  it('is worded by its own module in notifications, with its own lookup command', () => {
    const event = fake.normalise({ body: Buffer.from('{"id":"j-1","state":"ok"}'), headers: {} }, { id: 'j-1', state: 'ok' });
    const item = buildEventItem(event, placeByTimestamp(event, '2026-01-01T00:00:01.000Z'), '2026-01-01T00:00:01.000Z', 1);
    const notification = buildNotification(item, { jobsCommandHint: 'jobs get', providers: registry });
    expect(notification.subject).toBe('[SUCCEEDED] Fake job j-1 done');
    expect(JSON.parse(notification.message).email).toContain('Provider:         Fake Provider');
    expect(JSON.parse(notification.message).email).toContain('jobs get fakeprov j-1');
  });
  it('gets its default stall deadlines and is named on the CLI', () => {
    expect(parseStallDeadlines(undefined, 'stallDeadlines', registry)).toContainEqual({
      provider: 'fakeprov',
      eventType: 'busy',
      status: 'in_progress',
      minutes: 30,
    });
    expect(jobRef(['fakeprov', 'j-1'], registry)).toEqual({ provider: 'fakeprov', partitionId: 'j-1', jobId: 'j-1' });
  });
});

describe('status tables', () => {
  it('map only to normalised statuses, never to the watchdog-only stalled', () => {
    for (const status of [...Object.values(panjayaEventStatuses), ...Object.values(contentorStatuses)]) {
      expect(normalisedStatuses).toContain(status);
      expect(status).not.toBe('stalled');
    }
  });
  it('ignore case and stray whitespace, and never read inherited properties', () => {
    expect(builtInRegistry.get('panjaya')?.statusOf(' Version_Generated ')).toBe('succeeded');
    expect(builtInRegistry.get('panjaya')?.statusOf('constructor')).toBe('unknown');
  });
});

describe('signature helpers', () => {
  it('split comma-joined header values and drop empty parts', () => {
    expect(headerCandidates(' a ,b,, ')).toEqual(['a', 'b']);
    expect(headerCandidates(undefined)).toEqual([]);
  });
  it('decode hex strictly', () => {
    expect(decodeHex('0aFF')?.toString('hex')).toBe('0aff');
    expect(decodeHex('0aF')).toBeUndefined();
    expect(decodeHex('0g')).toBeUndefined();
  });
  it('decode standard and URL-safe base64, padded or not, and nothing else', () => {
    expect(decodeBase64('+/8=')?.toString('hex')).toBe('fbff');
    expect(decodeBase64('-_8')?.toString('hex')).toBe('fbff');
    expect(decodeBase64('+/8')?.toString('hex')).toBe('fbff');
    expect(decodeBase64('+/8*')).toBeUndefined();
    expect(decodeBase64('+/8==')).toBeUndefined();
    expect(decodeBase64('A')).toBeUndefined();
  });
  it('compare bytes without throwing on a length mismatch', () => {
    expect(bytesEqual(Buffer.from('abc'), Buffer.from('abc'))).toBe(true);
    expect(bytesEqual(Buffer.from('abc'), Buffer.from('abd'))).toBe(false);
    expect(bytesEqual(Buffer.from('abc'), Buffer.from('ab'))).toBe(false);
  });
});
