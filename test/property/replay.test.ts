/**
 * Replaying captured deliveries: an attacker (or a provider's retry storm) re-sends signed requests seen earlier.
 * Contentor: every replay, in any order and either signing style, is a duplicate — no new event, no state change,
 * so nothing for the fan-out to notify. Panjaya bodies carry no timestamp or id: a replay of the delivery the job is
 * at, or of any body within the retry window of its stored copy, is recognised; an older one past the window is
 * indistinguishable from a re-sent event (docs/SECURITY.md).
 */
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { canonicalForms } from '../../lambda/core/json/canonical-forms';
import { panjayaEventStatuses } from '../../lambda/core/providers/panjaya';
import {
  type ContentorEnvelopeForm,
  type ContentorHeaderStyle,
  contentorEnvelope,
  contentorHeaderStyles,
  panjayaSignatureEncodings,
  signContentorHeader,
  signPanjaya,
} from '../helpers/signing';
import { CONTENTOR_SECRET, receiverHarness } from '../helpers/receiver-harness';
import { countingHarness, type CountingHarness } from './property-harness';

const RUNS = Math.max(10, Math.floor(Number(process.env.PROPERTY_RUNS ?? 150) / 5));

let h: CountingHarness;
beforeAll(async () => {
  h = await countingHarness();
});
afterAll(async () => h.stop());

const statuses = ['downloading', 'processing', 'uploading', 'completed'] as const;
/** Every way a Contentor delivery may be signed: a header style, or an envelope over any form of `data`. */
const styles = [...contentorHeaderStyles, ...canonicalForms.map((form) => `envelope:${form}` as const), 'envelope:as-sent' as const];
const style = fc.constantFrom(...styles);
/** Every Panjaya event the module knows, and two it does not (stored as `unknown`). */
const panjayaEvents = [...Object.keys(panjayaEventStatuses), 'version_archived', 'asset_created'];

function contentorRequest(uuid: string, index: number, how: (typeof styles)[number]): { body: string; headers: Record<string, string> } {
  const data = { uuid, status: statuses[index] ?? 'processing', timestamp: `2025-04-09T15:30:${String(index).padStart(2, '0')}Z` };
  if (how.startsWith('envelope:'))
    return { body: contentorEnvelope(data, CONTENTOR_SECRET, how.slice('envelope:'.length) as ContentorEnvelopeForm), headers: {} };
  const body = JSON.stringify(data);
  return { body, headers: { 'X-Webhook-Signature': signContentorHeader(body, CONTENTOR_SECRET, how as ContentorHeaderStyle) } };
}

describe('replayed deliveries', () => {
  it('Contentor: any replay of any earlier delivery, in any order and style, is a duplicate and changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        // The originals arrive in any order (each carries its own timestamp), each signed in any style.
        fc.shuffledSubarray([...statuses.keys()], { minLength: statuses.length, maxLength: statuses.length }),
        fc.array(style, { minLength: statuses.length, maxLength: statuses.length }),
        fc.array(fc.record({ index: fc.nat(statuses.length - 1), style }), { minLength: 1, maxLength: 12 }),
        async (order, originalStyles, replays) => {
          const uuid = randomUUID();
          for (const [n, index] of order.entries()) {
            const { body, headers } = contentorRequest(uuid, index, originalStyles[n] ?? 'hex');
            expect((await h.post('/webhooks/contentor', body, headers)).json.status).toBe('accepted');
          }
          const stateBefore = await h.queries.getJob('contentor', uuid, uuid);
          expect(stateBefore?.eventType).toBe('completed');
          for (const replay of replays) {
            const { body, headers } = contentorRequest(uuid, replay.index, replay.style);
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

  it('Panjaya: within the retry window, replays of any delivery of a job, re-signed in any encoding, are duplicates and change nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.constantFrom(...panjayaEvents), { minLength: 1, maxLength: panjayaEvents.length }),
        fc.boolean(),
        fc.array(fc.record({ index: fc.nat(panjayaEvents.length - 1), encoding: fc.constantFrom(...panjayaSignatureEncodings) }), {
          minLength: 1,
          maxLength: 10,
        }),
        async (events, versioned, replays) => {
          const asset = `asset-${randomUUID()}`;
          const jobId = versioned ? `${asset}/v1` : asset;
          const bodies = events.map((event) => JSON.stringify(versioned ? { event, asset_id: asset, version_id: 'v1' } : { event, asset_id: asset }));
          for (const body of bodies)
            expect((await h.post('/webhooks/panjaya', body, { 'X-Signature': signPanjaya(body, h.privateKey) })).json.status).toBe('accepted');
          const stateBefore = await h.queries.getJob('panjaya', asset, jobId);
          for (const { index, encoding } of replays) {
            // ES256 signatures are randomised: each copy carries a signature never seen before, over the same bytes.
            const body = bodies[index % bodies.length] ?? '';
            const res = await h.post('/webhooks/panjaya', body, { 'X-Signature': signPanjaya(body, h.privateKey, encoding) });
            expect([res.status, res.json.status]).toEqual([200, 'duplicate']);
          }
          expect(await h.queries.history('panjaya', asset, jobId)).toHaveLength(bodies.length);
          expect(await h.queries.getJob('panjaya', asset, jobId)).toEqual(stateBefore);
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
