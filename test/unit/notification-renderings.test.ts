/**
 * What a person reads, spelled out whole (lambda/core/notification/build.ts): the e-mail text and the AWS Chatbot
 * card of one failed Contentor event, so a dropped line, a lost explanation or a provider value shown outside its
 * code span fails here; and the edges around them: the longer limit of a provider message, the next step only for
 * what did not succeed, an empty event type's filter attribute, a payload too large for SNS.
 */
import {
  buildAlertNotification,
  buildChatbotNotification,
  buildEmailText,
  buildNotification,
  lookupCommand,
  NotNotifiableError,
} from '../../lambda/core/notification';
import type { EventItem } from '../../lambda/core/items';
import { contentorItem, panjayaItem } from '../helpers/event-item-fixtures';

const opts = { jobsCommandHint: 'jobs get' };
const failed = () =>
  contentorItem('failed', 'u-42', {
    receivedAt: '2026-01-01T10:00:05.000Z',
    occurredAt: '2026-01-01T10:00:00.000Z',
    extraPayload: { error_message: 'Upload refused', locale: 'fr-FR' },
  });

describe('the e-mail text', () => {
  it('reads, line by line', () => {
    const item = failed();
    expect(buildEmailText(item, opts).split('\n')).toEqual([
      'Contentor job u-42 failed',
      '',
      'Contentor reported that the job failed.',
      '',
      'Provider:         Contentor',
      'Job id:           u-42',
      'Event type:       failed',
      'Status:           failed',
      'Occurred at:      2026-01-01T10:00:00.000Z',
      'Received at:      2026-01-01T10:00:05.000Z',
      `Event id:         ${item.eventId}`,
      'Locale:           fr-FR',
      'Provider message: Upload refused',
      '',
      'Look it up:',
      '  jobs get contentor u-42',
      '',
      'Each event is notified once; a re-drive after a delivery failure can repeat it with the same event id.',
      '',
    ]);
  });

  it('puts a provider event type on one plain line', () => {
    const item: EventItem = { ...failed(), eventType: 'failed\nStatus: succeeded' };
    expect(buildEmailText(item, opts)).toContain('Event type:       failed Status: succeeded\n');
  });

  it('shows a provider message up to 300 characters, other provider values up to 200', () => {
    const message = 'm'.repeat(280);
    const item = contentorItem('failed', 'j'.repeat(280), { extraPayload: { error_message: message } });
    const text = buildEmailText(item, opts);
    expect(text).toContain(`Provider message: ${message}\n`);
    expect(text).toContain(`Job id:           ${'j'.repeat(197)}...\n`);
  });
});

describe('the AWS Chatbot card', () => {
  it('reads, field by field: provider values in code spans, our own words and values outside them', () => {
    const item = failed();
    expect(buildChatbotNotification(item, opts)).toEqual({
      version: '1.0',
      source: 'custom',
      id: item.eventId,
      content: {
        textType: 'client-markdown',
        title: ':x: Contentor job `u-42` failed',
        description: [
          'Contentor reported that the job failed.',
          '*Provider:* Contentor',
          '*Job id:* `u-42`',
          '*Event type:* `failed`',
          '*Status:* failed',
          '*Occurred at:* `2026-01-01T10:00:00.000Z`',
          '*Received at:* 2026-01-01T10:00:05.000Z',
          `*Event id:* ${item.eventId}`,
          '*Locale:* `fr-FR`',
          '*Provider message:* `Upload refused`',
        ].join('\n'),
        nextSteps: ['Look the job up: `jobs get contentor u-42`', 'Check the job in Contentor and resubmit it if needed.'],
        keywords: ['contentor', 'failed'],
      },
      metadata: {
        threadId: 'contentor-u-42',
        summary: '[FAILED] Contentor job u-42 failed',
        eventType: 'contentor.failed',
        additionalContext: { provider: 'contentor', jobId: 'u-42', status: 'failed', eventType: 'failed', eventId: item.eventId },
      },
    });
  });

  it('marks each status in the title, and suggests resubmitting only what did not succeed', () => {
    const succeeded = buildChatbotNotification(contentorItem('completed', 'u-1'), opts).content;
    expect(succeeded.title).toBe(':white_check_mark: Contentor job `u-1` completed');
    expect(succeeded.nextSteps).toEqual(['Look the job up: `jobs get contentor u-1`']);
    const stalled: EventItem = { ...contentorItem('processing', 'u-2'), status: 'stalled', notifyTopic: 'failed' };
    expect(buildChatbotNotification(stalled, opts).content.title).toBe(':hourglass: Contentor job `u-2` stalled');
    const ready = panjayaItem('version_ready', 'a-1', 'v-1');
    expect(buildChatbotNotification(ready, opts).content.title).toMatch(/^:information_source: /);
  });

  it('shows a provider message up to 300 characters, other provider values up to 200', () => {
    const message = 'm'.repeat(280);
    const rows = buildChatbotNotification(
      contentorItem('failed', 'j'.repeat(280), { extraPayload: { error_message: message } }),
      opts,
    ).content.description.split('\n');
    expect(rows).toContain(`*Provider message:* \`${message}\``);
    expect(rows).toContain(`*Job id:* \`${'j'.repeat(195)}...\``);
  });

  it('keeps the look-up step within its 500-character limit, whatever the id', () => {
    const [lookUp] = buildChatbotNotification(contentorItem('failed', 'x'.repeat(2000)), opts).content.nextSteps;
    expect(lookUp?.length).toBeLessThanOrEqual(500);
    expect(lookUp).toMatch(/^Look the job up: `jobs get contentor x+\.\.\.`$/);
  });
});

describe('the systems message', () => {
  it('sends an empty event type as "-" in the filter attributes (SNS refuses empty values)', () => {
    expect(buildNotification({ ...failed(), eventType: '' }, opts).attributes).toEqual({ provider: 'contentor', status: 'failed', eventType: '-' });
  });

  it('goes to the topic of its status when an item carries none (written by an earlier layout)', () => {
    const { notifyTopic: _topic, ...item } = failed();
    expect(buildNotification(item as EventItem, opts).topic).toBe('failed');
  });

  it('refuses an event that does not notify, naming it and its status (the reason it is parked with)', () => {
    const item = contentorItem('processing', 'u-3');
    expect(() => buildNotification(item, opts)).toThrow(new NotNotifiableError(item.eventId, 'in_progress'));
    try {
      buildNotification(item, opts);
    } catch (error) {
      expect(error).toMatchObject({ name: 'NotNotifiableError', message: `event ${item.eventId} with status in_progress does not notify` });
    }
  });

  it('says why the payload is missing when it is too large for SNS, for systems and for people', () => {
    const item = contentorItem('failed', 'u-4', { extraPayload: { blob: 'x'.repeat(300_000) } });
    const note = { payloadOmitted: 'larger than an SNS message allows; read the event from the table' };
    const systems = JSON.parse(buildNotification(item, opts).message) as { default: string };
    expect(JSON.parse(systems.default).payload).toEqual(note);
    const people = JSON.parse(buildAlertNotification(item, opts).message) as { default: string; email: string; https: string };
    expect(JSON.parse(people.default)).toMatchObject({ kind: 'alert', eventId: item.eventId, payload: note });
    expect(people.email).toContain('Contentor job u-4 failed');
    expect(JSON.parse(people.https)).toMatchObject({ source: 'custom', id: item.eventId });
  });
});

describe('the look-up command', () => {
  it('names a job of a provider no longer configured by its id', () => {
    expect(lookupCommand({ ...contentorItem('failed', 'u-5'), provider: 'acme' }, 'jobs get')).toBe('jobs get acme u-5');
  });
});
