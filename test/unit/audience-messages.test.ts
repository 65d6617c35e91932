/**
 * What each audience's SNS message holds (docs/ARCHITECTURE.md "Fan-out"): systems get the contract document under
 * every machine protocol's key (SNS picks the entry by protocol, so an HTTPS system must never get the Slack card);
 * people get the alert document, readable e-mail text and the Chatbot card; SNS's size limit counts Subject and
 * attributes too.
 */
import fc from 'fast-check';
import { ALERTS_TOPIC } from '../../lambda/contracts';
import type { EventItem } from '../../lambda/core/items';
import {
  buildAlertNotification,
  buildChatbotNotification,
  buildNotification,
  MACHINE_PROTOCOLS,
  SNS_MESSAGE_MAX_BYTES,
  snsPublishBytes,
} from '../../lambda/core/notification';
import { providerRegistry } from '../../lambda/core/providers';
import { parseProvidersConfig } from '../../lambda/core/providers/configured/config-schema';
import { contentorItem, expectedDocument, panjayaItem } from '../helpers/event-item-fixtures';
import { exampleProviders } from '../fixtures/configured-providers';

const opts = { jobsCommandHint: 'npm run --silent jobs -- get' };
const structureOf = (message: string) => JSON.parse(message) as Record<string, string>;

describe('systems message (succeeded / failed topics)', () => {
  const items: Array<[string, EventItem]> = [
    ['contentor failed', contentorItem('failed')],
    ['contentor completed', contentorItem('completed')],
    ['panjaya version_failed', panjayaItem('version_failed', 'A1', 'v1')],
  ];

  it.each(items)('%s: every machine protocol entry is the contract document, https included', (_name, item) => {
    const structure = structureOf(buildNotification(item, opts).message);
    for (const protocol of MACHINE_PROTOCOLS) {
      expect(JSON.parse(structure[protocol] ?? 'null')).toEqual(expectedDocument(item));
    }
    expect(Object.keys(structure).sort()).toEqual([...MACHINE_PROTOCOLS, 'email'].sort());
  });

  it('never carries the Chatbot card or a kind (that is the people topic)', () => {
    const item = contentorItem('failed');
    const message = buildNotification(item, opts).message;
    expect(message).not.toContain('client-markdown');
    for (const entry of Object.values(structureOf(message))) expect(entry).not.toMatch(/"kind"|"source":"custom"/);
  });

  it('goes to the topic of its status', () => {
    expect(buildNotification(contentorItem('failed'), opts).topic).toBe('failed');
    expect(buildNotification(contentorItem('completed'), opts).topic).toBe('succeeded');
  });
});

describe('alert message (job-alerts topic)', () => {
  it('has the alert document as default, e-mail text and the Chatbot card under https', () => {
    const item = contentorItem('failed');
    const notification = buildAlertNotification(item, opts);
    expect(notification.topic).toBe(ALERTS_TOPIC);
    const structure = structureOf(notification.message);
    expect(Object.keys(structure).sort()).toEqual(['default', 'email', 'https']);
    // kind first, then the systems document exactly.
    expect(structure.default?.startsWith('{"kind":"alert",')).toBe(true);
    expect(JSON.parse(structure.default ?? '{}')).toEqual({ kind: 'alert', ...expectedDocument(item) });
    expect(JSON.parse(structure.https ?? '{}')).toMatchObject({ version: '1.0', source: 'custom', id: item.eventId });
    expect(structure.email).toContain('Look it up:');
    expect(notification.attributes).toEqual(buildNotification(item, opts).attributes);
    expect(notification.subject).toBe(buildNotification(item, opts).subject);
  });

  it('names a configured provider by its label on the card', () => {
    const providers = providerRegistry(parseProvidersConfig(exampleProviders, 'test'));
    const item = { ...contentorItem('failed'), provider: 'replicate', jobId: 'pred-42', eventType: 'failed' };
    const card = buildChatbotNotification(item, { ...opts, providers });
    expect(card.content.description).toContain('*Provider:* Replicate');
    expect(card.content.description).not.toContain('*Provider:* replicate');
    expect(JSON.parse(structureOf(buildAlertNotification(item, { ...opts, providers }).message).https ?? '{}').content.description).toContain('Replicate');
  });
});

describe('SNS size: message, Subject and attributes together', () => {
  it('counts the message, the Subject and each attribute name, type and value', () => {
    const n = { message: 'é', subject: 'abc', attributes: { provider: 'contentor', status: 'failed' } };
    expect(snsPublishBytes(n)).toBe(2 + 3 + ('provider'.length + 6 + 9) + ('status'.length + 6 + 6));
  });

  /** A failed Contentor item whose payload carries `pad` bytes of padding. */
  const padded = (pad: number, eventType = 'failed') => {
    const item = contentorItem('failed', '3f2a9c1e-7d7e-4c55-9a3b-5d0c2f1e9b10', { extraPayload: { pad: 'x'.repeat(pad) } });
    return { ...item, eventType };
  };
  const copies = (message: string) => Object.keys(structureOf(message)).length;

  it('keeps every copy up to exactly the limit, and falls back one byte past it', () => {
    // Find the largest padding whose every-protocol message fits, counting Subject and attributes.
    let lo = 0;
    let hi = 60_000;
    const fits = (pad: number) => {
      const n = buildNotification(padded(pad), opts);
      return copies(n.message) === MACHINE_PROTOCOLS.length + 1;
    };
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (fits(mid)) lo = mid;
      else hi = mid - 1;
    }
    const atLimit = buildNotification(padded(lo), opts);
    expect(snsPublishBytes(atLimit)).toBeLessThanOrEqual(SNS_MESSAGE_MAX_BYTES);
    // One more padding byte adds one byte per copy: past the limit, so the copies go (default only).
    expect(snsPublishBytes(atLimit) + MACHINE_PROTOCOLS.length).toBeGreaterThan(SNS_MESSAGE_MAX_BYTES);
    const past = buildNotification(padded(lo + 1), opts);
    expect(copies(past.message)).toBe(2);
    expect(snsPublishBytes(past)).toBeLessThanOrEqual(SNS_MESSAGE_MAX_BYTES);
  });

  it('falls back when the message alone fits but Subject and attributes push it past the limit', () => {
    // A long event type lands in the attributes (and the documents): find a size that fits only without them.
    const eventType = 'e'.repeat(256);
    for (let pad = 36_000; pad < 38_000; pad += 1) {
      const n = buildNotification(padded(pad, eventType), opts);
      const full = JSON.stringify(
        Object.fromEntries([...MACHINE_PROTOCOLS.map((p) => [p, structureOf(n.message).default]), ['email', structureOf(n.message).email]]),
      );
      const messageAlone = Buffer.byteLength(full, 'utf8');
      if (messageAlone <= SNS_MESSAGE_MAX_BYTES && snsPublishBytes({ ...n, message: full }) > SNS_MESSAGE_MAX_BYTES) {
        expect(copies(n.message)).toBe(2);
        return;
      }
    }
    throw new Error('no padding in the range sits between the two limits: widen it');
  });

  it('never builds a Publish over the limit, whatever the payload and ids (systems and alert)', () => {
    fc.assert(
      fc.property(fc.nat({ max: 400_000 }), fc.string({ maxLength: 300 }), (pad, id) => {
        const item = { ...padded(pad), jobId: id || 'j' };
        return (
          snsPublishBytes(buildNotification(item, opts)) <= SNS_MESSAGE_MAX_BYTES &&
          snsPublishBytes(buildAlertNotification(item, opts)) <= SNS_MESSAGE_MAX_BYTES
        );
      }),
      { numRuns: 60 },
    );
  });
});
