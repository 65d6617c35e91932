import fc from 'fast-check';
import * as z from 'zod/mini';
import {
  buildNotification,
  buildEmailText,
  buildSubject,
  lookupCommand,
  SNS_MESSAGE_MAX_BYTES,
  SUBJECT_MAX,
  NotNotifiableError,
} from '../../lambda/core/notification';
import { NormalisedStatusSchema, ProviderNameSchema } from '../../lambda/core/model';
import { describeEvent, payloadDetails } from '../../lambda/core/notification/describe';
import { stallPayloadOf } from '../../lambda/core/notification/stall';

/** The contract document (docs/ARCHITECTURE.md): exactly these fields, `payload` the provider's JSON. */
const NotificationDocumentSchema = z.object({
  provider: ProviderNameSchema,
  jobId: z.string(),
  status: NormalisedStatusSchema,
  eventType: z.string(),
  eventId: z.string(),
  occurredAt: z.string(),
  receivedAt: z.string(),
  payload: z.unknown(),
});
import type { EventItem } from '../../lambda/core/items';
import { contentorItem, expectedDocument, panjayaItem } from '../helpers/event-item-fixtures';

const hint = 'npm run --silent jobs -- get';
const opts = { jobsCommandHint: hint };
const uuid = '3f2a9c1e-5b6d-4e7f-8a9b-0c1d2e3f4a5b';
const printableAscii = /^[\x20-\x7e]*$/;

function structure(item: EventItem): Record<string, string> {
  return JSON.parse(buildNotification(item, opts).message) as Record<string, string>;
}

const terminal: Array<{ name: string; item: () => EventItem; topic: 'succeeded' | 'failed'; subject: string; command: string }> = [
  {
    name: 'Panjaya version_generated',
    item: () => panjayaItem('version_generated', 'abc', 'v1'),
    topic: 'succeeded',
    subject: '[SUCCEEDED] Panjaya version abc/v1 generated',
    command: `${hint} panjaya abc v1`,
  },
  {
    name: 'Panjaya version_failed',
    item: () => panjayaItem('version_failed', 'abc', 'v1'),
    topic: 'failed',
    subject: '[FAILED] Panjaya version abc/v1 failed (dubbing)',
    command: `${hint} panjaya abc v1`,
  },
  {
    name: 'Panjaya version_generate_failed',
    item: () => panjayaItem('version_generate_failed', 'abc', 'v1'),
    topic: 'failed',
    subject: '[FAILED] Panjaya version abc/v1 failed (video generation)',
    command: `${hint} panjaya abc v1`,
  },
  {
    name: 'Panjaya asset_failed',
    item: () => panjayaItem('asset_failed', 'abc'),
    topic: 'failed',
    subject: '[FAILED] Panjaya asset abc failed',
    command: `${hint} panjaya abc`,
  },
  {
    name: 'Contentor completed',
    item: () => contentorItem('completed', uuid),
    topic: 'succeeded',
    subject: `[SUCCEEDED] Contentor job ${uuid} completed`,
    command: `${hint} contentor ${uuid}`,
  },
  {
    name: 'Contentor failed',
    item: () => contentorItem('failed', uuid),
    topic: 'failed',
    subject: `[FAILED] Contentor job ${uuid} failed`,
    command: `${hint} contentor ${uuid}`,
  },
];

describe.each(terminal)('notification for $name', ({ item: make, topic, subject, command }) => {
  const item = make();
  const notification = buildNotification(item, opts);

  it('goes to the topic of its status with a clear ASCII subject', () => {
    expect(notification.topic).toBe(topic);
    expect(notification.subject).toBe(subject);
  });

  it('carries provider, status and eventType as filter-policy attributes', () => {
    expect(notification.attributes).toEqual({ provider: item.provider, status: item.status, eventType: item.eventType });
  });

  it('gives default, sqs and lambda the contract document', () => {
    const s = structure(item);
    for (const protocol of ['default', 'sqs', 'lambda'] as const) {
      const document = z.strictObject(NotificationDocumentSchema.shape).parse(JSON.parse(s[protocol] ?? 'null'));
      expect(document).toEqual(expectedDocument(item));
    }
  });

  it('gives email readable lines with every fact and the look-up command', () => {
    const email = structure(item).email ?? '';
    const lines = email.split('\n');
    expect(lines[0]).toBe(subject.replace(/^\[[A-Z]+\] /, ''));
    for (const [label, value] of [
      ['Provider', item.provider === 'panjaya' ? 'Panjaya' : 'Contentor'],
      ['Job id', item.jobId],
      ['Event type', item.eventType],
      ['Status', item.status],
      ['Occurred at', item.occurredAt],
      ['Received at', item.receivedAt],
      ['Event id', item.eventId],
    ]) {
      expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^${label}: +${value!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`)));
    }
    expect(lines).toContain(`  ${command}`);
  });
});

describe('the words of an event (notification/describe.ts)', () => {
  it('words an event of a provider no longer configured generically, by its route name', () => {
    const item: EventItem = { ...contentorItem('completed', uuid), provider: 'acme' };
    expect(describeEvent(item)).toEqual({
      headline: ['acme job ', { value: uuid }, ' succeeded'],
      explanation: 'acme sent an event this receiver maps to "succeeded".',
    });
  });
  it('explains a stall marker that carries no stall facts, for a known provider or a removed one', () => {
    const explanation = 'No newer event arrived before the configured deadline (marked by the watchdog); a later real event still wins.';
    const stalled: EventItem = { ...contentorItem('processing', uuid), status: 'stalled', notifyTopic: 'failed' };
    expect(describeEvent(stalled)).toEqual({ headline: ['Contentor job ', { value: uuid }, ' stalled'], explanation });
    expect(describeEvent({ ...stalled, provider: 'acme' })).toEqual({ headline: ['acme job ', { value: uuid }, ' stalled'], explanation });
  });
});

describe('the words of a watchdog stall', () => {
  const stall = {
    watchdog: 'stalled',
    stalledStatus: 'in_progress',
    stalledEventType: 'Processing',
    stalledEventId: 'ev-0042',
    lastEventOccurredAt: '2026-01-01T08:00:00.000Z',
    waitingSince: '2026-01-01T08:00:00.000Z',
    deadlineMinutes: 120,
    deadline: '2 h',
    dueAt: '2026-01-01T10:00:00.000Z',
    detectedAt: '2026-01-01T10:05:00.000Z',
  };
  const stalledItem = (payload: object = stall): EventItem => ({
    ...contentorItem('processing', uuid),
    status: 'stalled',
    notifyTopic: 'failed',
    body: Buffer.from(JSON.stringify(payload)),
  });

  it('says the provider may have lost the job, with the deadline, the wait and the last event in rows', () => {
    expect(describeEvent(stalledItem())).toEqual({
      headline: ['Contentor job ', { value: uuid }, ' stalled: no callback for 2 h'],
      explanation:
        "No callback for 2 h since processing at 2026-01-01T08:00:00.000Z (the watchdog's deadline for that status). " +
        'Contentor may have lost the job or its callback: check the job there. A later real event still updates the job and notifies as usual.',
    });
    expect(payloadDetails(stalledItem())).toEqual([
      { label: 'Waiting since', value: '2026-01-01T08:00:00.000Z' },
      { label: 'Deadline', value: '2 h (due 2026-01-01T10:00:00.000Z)' },
      { label: 'Last event id', value: 'ev-0042' },
    ]);
  });
  it('says a job waiting at ready waits for a person, not for the provider', () => {
    expect(describeEvent(stalledItem({ ...stall, stalledStatus: 'ready', stalledEventType: 'version_ready' })).explanation).toBe(
      'Reminder: no callback for 2 h since version_ready at 2026-01-01T08:00:00.000Z. ' +
        'The job is waiting for a person (QC / editing), not for Contentor; a later event updates it as usual.',
    );
  });
  it('reads stall facts only from a stalled item, and none from a body that is not JSON', () => {
    expect(stallPayloadOf({ status: 'failed', body: Buffer.from(JSON.stringify(stall)) })).toBeUndefined();
    expect(stallPayloadOf({ status: 'stalled', body: Buffer.from('{"watchdog":') })).toBeUndefined();
    expect(stallPayloadOf({ status: 'stalled', body: Buffer.from(JSON.stringify(stall)) })).toEqual(stall);
  });
});

describe('notification building', () => {
  it('refuses an event that does not notify', () => {
    expect(() => buildNotification(contentorItem('processing'), opts)).toThrow(NotNotifiableError);
  });

  it('sends a stalled marker to the failed topic', () => {
    const item: EventItem = { ...contentorItem('processing', uuid), status: 'stalled', notifyTopic: 'failed' };
    expect(buildNotification(item, opts).topic).toBe('failed');
    expect(buildSubject(item)).toBe(`[STALLED] Contentor job ${uuid} stalled`);
  });

  it('shortens long ids in the subject with an ASCII ellipsis and keeps it under 100 characters', () => {
    const item = panjayaItem('version_generated', 'a'.repeat(300), 'v'.repeat(300));
    const subject = buildSubject(item);
    expect(subject.length).toBeLessThanOrEqual(SUBJECT_MAX);
    expect(subject).toMatch(/^\[SUCCEEDED\] Panjaya version a+\.\.\. generated$/);
  });

  it('keeps the full id in the look-up command of a long id', () => {
    const item = panjayaItem('version_failed', 'a'.repeat(120), 'v'.repeat(120));
    expect(buildEmailText(item, opts)).toContain(`${hint} panjaya ${'a'.repeat(120)} ${'v'.repeat(120)}`);
  });

  it('folds non-ASCII ids to ASCII in the subject and keeps them readable in the e-mail', () => {
    const item = panjayaItem('version_generated', 'café-ñandú', '版本一');
    expect(buildSubject(item)).toBe('[SUCCEEDED] Panjaya version cafe-nandu/??? generated');
    expect(buildEmailText(item, opts)).toMatch(/^Job id: +café-ñandú\/版本一$/m);
  });

  it('neutralises control characters so a provider cannot forge e-mail lines', () => {
    const item = panjayaItem('version_failed', 'abc', 'v1\r\nStatus: succeeded\u202e', { extraPayload: { error_message: 'boom\n\nLook it up:\n  rm -rf /' } });
    const email = buildEmailText(item, opts);
    expect(email.match(/^Status:/gm)).toHaveLength(1);
    expect(email.match(/^Look it up:/gm)).toHaveLength(1);
    expect(email).toMatch(/^Provider message: +boom Look it up: rm -rf \/$/m);
    expect(email).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u202e]/);
  });

  it('quotes ids for the shell in the look-up command', () => {
    const item = contentorItem('failed', "$(touch /tmp/x) 'q'");
    expect(lookupCommand(item, hint)).toBe(`${hint} contentor '$(touch /tmp/x) '\\''q'\\'''`);
  });

  it('shows the version locale and a provider error message when the payload has them', () => {
    const email = buildEmailText(panjayaItem('version_failed', 'abc', 'v1', { extraPayload: { error_message: 'voice model unavailable' } }), opts);
    expect(email).toMatch(/^Locale: +es-ES$/m);
    expect(email).toMatch(/^Provider message: +voice model unavailable$/m);
  });

  it('stays within the SNS message size when the payload is huge', () => {
    const item = contentorItem('failed', uuid, { extraPayload: { blob: 'x'.repeat(120_000) } });
    const notification = buildNotification(item, opts);
    expect(Buffer.byteLength(notification.message, 'utf8')).toBeLessThanOrEqual(SNS_MESSAGE_MAX_BYTES);
    const s = JSON.parse(notification.message) as Record<string, string>;
    // Too big for three copies: only `default` carries it, which SNS uses for sqs and lambda.
    expect(s.sqs).toBeUndefined();
    expect((JSON.parse(s.default ?? '{}') as { payload: { blob: string } }).payload.blob).toHaveLength(120_000);
  });

  it('replaces a payload too large for even one copy by a note', () => {
    const item = contentorItem('failed', uuid, { extraPayload: { blob: 'x'.repeat(300_000) } });
    const s = JSON.parse(buildNotification(item, opts).message) as Record<string, string>;
    expect(JSON.parse(s.default ?? '{}')).toMatchObject({ eventId: item.eventId, payload: { payloadOmitted: expect.any(String) } });
  });

  it('always produces an SNS-valid subject, whatever the ids', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), fc.string({ unit: 'binary', maxLength: 400 }), (asset, version) => {
        const subject = buildSubject(panjayaItem('version_generated', asset, version));
        return subject.length <= SUBJECT_MAX && printableAscii.test(subject) && /^\[SUCCEEDED\] /.test(subject);
      }),
    );
  });
});
