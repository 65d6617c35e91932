/**
 * Replaying captured deliveries: an attacker (or a provider's retry storm) re-sends signed requests seen earlier.
 * Contentor: every replay, in any order and either signing style, is a duplicate — no new event, no state change,
 * so nothing for the fan-out to notify. Panjaya bodies carry no timestamp or id: a replay of the delivery the job is
 * at, or of any body within the retry window of its stored copy, is recognised; an older one past the window is
 * indistinguishable from a re-sent event (docs/SECURITY.md).
 */
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { contentorEnvelope, signContentorHeader, signPanjaya } from '../helpers/signing';
import { CONTENTOR_SECRET, receiverHarness } from '../helpers/receiver-harness';
import { countingHarness, type CountingHarness } from './property-harness';

const RUNS = Math.max(10, Math.floor(Number(process.env.PROPERTY_RUNS ?? 150) / 5));

let h: CountingHarness;
beforeAll(async () => {
  h = await countingHarness();
});
afterAll(async () => h.stop());

const statuses = ['downloading', 'processing', 'uploading', 'completed'] as const;

function contentorRequest(uuid: string, status: string, second: number, envelope: boolean): { body: string; headers: Record<string, string> } {
  const data = { uuid, status, timestamp: `2025-04-09T15:30:${String(second).padStart(2, '0')}Z` };
  if (envelope) return { body: contentorEnvelope(data, CONTENTOR_SECRET), headers: {} };
  const body = JSON.stringify(data);
  return { body, headers: { 'X-Webhook-Signature': signContentorHeader(body, CONTENTOR_SECRET) } };
}

describe('replayed deliveries', () => {
  it('Contentor: any replay of any earlier delivery, in any order and style, is a duplicate and changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat(statuses.length - 1), { minLength: 1, maxLength: 8 }),
        fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
        async (replays, styles) => {
          const uuid = randomUUID();
          for (const [i, status] of statuses.entries()) {
            const { body, headers } = contentorRequest(uuid, status, i, false);
            expect((await h.post('/webhooks/contentor', body, headers)).json.status).toBe('accepted');
          }
          const stateBefore = await h.queries.getJob('contentor', uuid, uuid);
          for (const [n, index] of replays.entries()) {
            const { body, headers } = contentorRequest(uuid, statuses[index] as string, index, styles[n] ?? false);
            const res = await h.post('/webhooks/contentor', body, headers);
            expect([res.status, res.json.status]).toEqual([200, 'duplicate']);
          }
          expect(await h.queries.history('contentor', uuid, uuid)).toHaveLength(statuses.length);
          expect(await h.queries.getJob('contentor', uuid, uuid)).toEqual(stateBefore);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('Panjaya: replays of the delivery the job is at are duplicates, however often they come', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 5 }),
        fc.constantFrom('version_generated', 'version_generate_failed', 'version_generating'),
        async (times, event) => {
          const asset = `asset-${randomUUID()}`;
          const body = JSON.stringify({ event, asset_id: asset, version_id: 'v1' });
          const headers = { 'X-Signature': signPanjaya(body, h.privateKey) };
          expect((await h.post('/webhooks/panjaya', body, headers)).json.status).toBe('accepted');
          for (let i = 0; i < times; i += 1) expect((await h.post('/webhooks/panjaya', body, headers)).json.status).toBe('duplicate');
          expect(await h.queries.history('panjaya', asset, `${asset}/v1`)).toHaveLength(1);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('Panjaya: an older body replayed within the retry window after the job moved on is a duplicate; past it (known limit) a new arrival', async () => {
    // Documented in docs/SECURITY.md ("Replay"): Panjaya signs no timestamp or nonce, so past the retry window a
    // replay cannot be told apart from a regeneration. If the last step starts failing, update the threat model.
    let clock = Date.UTC(2026, 0, 1);
    const timed = await receiverHarness({ now: () => new Date(clock) });
    try {
      const asset = `asset-${randomUUID()}`;
      const send = async (event: string, atSeconds: number) => {
        clock = Date.UTC(2026, 0, 1) + atSeconds * 1000;
        const body = JSON.stringify({ event, asset_id: asset, version_id: 'v1' });
        return (await timed.post('/webhooks/panjaya', body, { 'X-Signature': signPanjaya(body, timed.privateKey) })).json.status;
      };
      expect(await send('version_generating', 0)).toBe('accepted');
      expect(await send('version_generated', 60)).toBe('accepted');
      expect(await send('version_generating', 300)).toBe('duplicate');
      expect(await send('version_generating', 700)).toBe('accepted');
    } finally {
      await timed.stop();
    }
  });
});
