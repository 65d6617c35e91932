/**
 * A digest as people read it, spelled out whole (lambda/core/notification/digest.ts): the e-mail and the AWS Chatbot
 * card of a window with three jobs of two providers, one job alone, and more jobs than a digest names.
 * test/unit/digest.test.ts covers the document (contract) and the neutralising of provider values.
 */
import { buildDigestNotification, type DigestJob } from '../../lambda/core/notification/digest';
import { providerRegistry } from '../../lambda/core/providers';
import { parseProvidersConfig } from '../../lambda/core/providers/configured/config-schema';
import { exampleProviders } from '../fixtures/configured-providers';

const window = { start: '2026-12-04T10:00:00.000Z', end: '2026-12-04T10:10:00.000Z' };
const hint = 'npm run --silent jobs -- get';
const three: DigestJob[] = [
  { provider: 'contentor', jobId: 'u-1', status: 'failed', eventType: 'failed', eventId: 'e1' },
  { provider: 'panjaya', jobId: 'a-1/v-1', status: 'failed', eventType: 'version_failed', eventId: 'e2' },
  { provider: 'contentor', jobId: 'u-2', status: 'stalled', eventType: 'stalled', eventId: 'e3' },
];
const listFailed = 'npm run --silent jobs -- list --status failed --since 2026-12-04T10:00:00.000Z --limit 100';
const listStalled = 'npm run --silent jobs -- stalled --since 2026-12-04T10:00:00.000Z --limit 100';

function digest(events: DigestJob[]) {
  const { notification, document } = buildDigestNotification(window, events, { jobsCommandHint: hint });
  const message = JSON.parse(notification.message) as { default: string; email: string; https: string };
  return { notification, document, email: message.email, card: JSON.parse(message.https) };
}

describe('a digest of three jobs from two providers', () => {
  // Built inside each test, not once here: the mutation run credits code only to the test that ran it.

  it('has a subject with the count, the statuses and the window', () => {
    const { notification } = digest(three);
    expect(notification.subject).toBe('[DIGEST] 3 jobs failed or stalled, 10:00-10:10 UTC on 2026-12-04');
    expect(notification.attributes).toEqual({ provider: '-', status: 'digest', eventType: '-' });
  });

  it('reads, line by line, in the e-mail', () => {
    const { email } = digest(three);
    expect(email.split('\n')).toEqual([
      '3 jobs failed or stalled in the alert window 2026-12-04T10:00:00.000Z to 2026-12-04T10:10:00.000Z,',
      'beyond the individual alerts that window allows (alertsPerWindow), so they come together here.',
      '',
      'By provider:',
      '  Contentor     failed 1, stalled 1',
      '  Panjaya       failed 1',
      '',
      'Each of them (provider, job id, status, event type, event id):',
      '  contentor   u-1  failed  failed  e1',
      '  panjaya     a-1/v-1  failed  version_failed  e2',
      '  contentor   u-2  stalled  stalled  e3',
      '',
      'List them all:',
      `  ${listFailed}`,
      `  ${listStalled}`,
      '',
    ]);
  });

  it('reads, field by field, on the Chatbot card', () => {
    const { card } = digest(three);
    expect(card).toEqual({
      version: '1.0',
      source: 'custom',
      id: 'digest-2026-12-04T10:00:00.000Z',
      content: {
        textType: 'client-markdown',
        title: ':rotating_light: 3 jobs failed or stalled (10:00-10:10 UTC on 2026-12-04)',
        description: [
          '*Contentor:* failed 1, stalled 1',
          '*Panjaya:* failed 1',
          '',
          '`contentor` `u-1` failed',
          '`panjaya` `a-1/v-1` failed',
          '`contentor` `u-2` stalled',
        ].join('\n'),
        nextSteps: [`List them: \`${listFailed}\``, `List them: \`${listStalled}\``],
        keywords: ['digest', 'contentor', 'panjaya'],
      },
      metadata: {
        threadId: 'digest-2026-12-04',
        summary: '[DIGEST] 3 jobs failed or stalled, 10:00-10:10 UTC on 2026-12-04',
        eventType: 'digest',
        additionalContext: { windowStart: '2026-12-04T10:00:00.000Z', windowEnd: '2026-12-04T10:10:00.000Z', total: '3' },
      },
    });
  });
});

describe('a digest of one job', () => {
  it('says "1 job" and names its provider and event type for filter policies', () => {
    const { notification, email, card } = digest([three[1] as DigestJob]);
    expect(notification.subject).toBe('[DIGEST] 1 job failed, 10:00-10:10 UTC on 2026-12-04');
    expect(notification.attributes).toEqual({ provider: 'panjaya', status: 'digest', eventType: 'version_failed' });
    expect(email.split('\n')[0]).toBe('1 job failed in the alert window 2026-12-04T10:00:00.000Z to 2026-12-04T10:10:00.000Z,');
    expect(card.content.title).toBe(':rotating_light: 1 job failed (10:00-10:10 UTC on 2026-12-04)');
  });
});

describe('a digest of more jobs than it names', () => {
  const many: DigestJob[] = Array.from({ length: 125 }, (_, i) => ({
    provider: 'contentor',
    jobId: `u-${i}`,
    status: 'failed',
    eventType: 'failed',
    eventId: `e${i}`,
  }));

  it('names the first 20 and counts the rest', () => {
    const { document, email, card } = digest(many);
    expect(document.jobs).toHaveLength(20);
    expect(document.more).toBe(105);
    expect(email).toContain('\nThe first 20 (provider, job id, status, event type, event id):\n');
    expect(email).toContain('\n  … and 105 more.\n');
    expect(card.content.description.split('\n').at(-1)).toBe('… and 105 more');
  });

  it('lists them all with a limit that covers every one', () => {
    const { document } = digest(many);
    expect(document.listCommand).toBe('npm run --silent jobs -- list --status failed --since 2026-12-04T10:00:00.000Z --limit 125');
  });
});

describe('order and edges', () => {
  it('sorts statuses and providers, whichever came first in the window', () => {
    const stalledFirst: DigestJob[] = [
      { provider: 'panjaya', jobId: 'a-2', status: 'stalled', eventType: 'version_generating', eventId: 'e4' },
      { provider: 'contentor', jobId: 'u-3', status: 'stalled', eventType: 'processing', eventId: 'e5' },
      { provider: 'contentor', jobId: 'u-4', status: 'failed', eventType: 'failed', eventId: 'e6' },
    ];
    const { notification, document, email, card } = digest(stalledFirst);
    expect(notification.subject).toBe('[DIGEST] 3 jobs failed or stalled, 10:00-10:10 UTC on 2026-12-04');
    expect(document.listCommand).toBe(`${listFailed}; ${listStalled}`);
    expect(email).toContain('By provider:\n  Contentor     failed 1, stalled 1\n  Panjaya       stalled 1\n');
    expect(card.content.description.split('\n').slice(0, 2)).toEqual(['*Contentor:* failed 1, stalled 1', '*Panjaya:* stalled 1']);
  });

  it('shows seconds when either end of the window is not a whole minute', () => {
    const { notification } = buildDigestNotification({ start: '2026-12-04T10:00:00.000Z', end: '2026-12-04T10:00:30.000Z' }, three, { jobsCommandHint: hint });
    expect(notification.subject).toBe('[DIGEST] 3 jobs failed or stalled, 10:00:00-10:00:30 UTC on 2026-12-04');
  });

  it('keeps at most five providers as card keywords', () => {
    const providers = ['p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7'];
    const { card } = digest(providers.map((provider, i) => ({ provider, jobId: `j-${i}`, status: 'failed', eventType: 'failed', eventId: `e${i}` })));
    expect(card.content.keywords).toEqual(['digest', 'p1', 'p2', 'p3', 'p4', 'p5']);
  });

  it.each([
    ['npm run --silent jobs -- get', 'npm run --silent jobs --'],
    ['npm run jobs --  get  ', 'npm run jobs --'],
    ['npm run jobs -- --profile getter get', 'npm run jobs -- --profile getter'],
    ['npm run jobs -- getx', 'npm run jobs -- getx'],
  ])('lists with the jobs command of the hint %j: %j', (jobsCommandHint, base) => {
    const { document } = buildDigestNotification(window, three, { jobsCommandHint });
    expect(document.listCommand.split('; ')[0]).toBe(`${base} list --status failed --since 2026-12-04T10:00:00.000Z --limit 100`);
  });

  it("uses a configured provider's label", () => {
    const providers = providerRegistry(parseProvidersConfig(exampleProviders, 'test'));
    const job: DigestJob = { provider: 'replicate', jobId: 'r-1', status: 'failed', eventType: 'failed', eventId: 'e9' };
    const { notification } = buildDigestNotification(window, [job], { jobsCommandHint: hint, providers });
    const message = JSON.parse(notification.message) as { email: string; https: string };
    expect(message.email).toContain('\n  Replicate     failed 1\n');
    expect(JSON.parse(message.https).content.description.split('\n')[0]).toBe('*Replicate:* failed 1');
  });

  it('keeps each list step within its 500-character limit, whatever the jobs command', () => {
    const long = `${'npm run --silent jobs -- --outputs '.padEnd(600, 'x')} get`;
    const { notification } = buildDigestNotification(window, three, { jobsCommandHint: long });
    const steps = JSON.parse((JSON.parse(notification.message) as { https: string }).https).content.nextSteps as string[];
    expect(steps).toHaveLength(2);
    for (const step of steps) expect(step.length).toBeLessThanOrEqual(500);
  });
});
