/** The digest message (docs/ARCHITECTURE.md "Alerts for people"): its contract document, words and attributes. */
import { buildDigestNotification, DIGEST_JOBS_MAX, jobsCommandBase, listCommandFor } from '../../lambda/core/notification';

const window = { start: '2026-12-04T10:00:00.000Z', end: '2026-12-04T10:10:00.000Z' };
const job = (provider: string, n: number, status = 'failed') => ({
  provider,
  jobId: `job-${n}`,
  status,
  eventType: status === 'stalled' ? 'processing' : 'failed',
  eventId: `e${n}`,
});
const build = (events: ReturnType<typeof job>[], hint = 'npm run --silent jobs -- --outputs outputs.json get') =>
  buildDigestNotification(window, events, { jobsCommandHint: hint });

describe('digest', () => {
  it('is the contract document under default, with counts by provider and status', () => {
    const events = [...Array.from({ length: 25 }, (_, n) => job('contentor', n)), job('panjaya', 100), job('contentor', 200, 'stalled')];
    const { notification, document } = build(events);
    const structure = JSON.parse(notification.message) as Record<string, string>;
    expect(Object.keys(structure).sort()).toEqual(['default', 'email', 'https']);
    const doc = JSON.parse(structure.default ?? '{}');
    expect(doc).toEqual(document);
    expect(Object.keys(doc)).toEqual(['kind', 'windowStart', 'windowEnd', 'total', 'byProvider', 'jobs', 'more', 'listCommand']);
    expect(doc).toMatchObject({ kind: 'digest', windowStart: window.start, windowEnd: window.end, total: 27, more: 27 - DIGEST_JOBS_MAX });
    expect(doc.byProvider).toEqual({ contentor: { failed: 25, stalled: 1 }, panjaya: { failed: 1 } });
    expect(doc.jobs).toHaveLength(DIGEST_JOBS_MAX);
    expect(doc.jobs[0]).toEqual({ provider: 'contentor', jobId: 'job-0', status: 'failed', eventType: 'failed', eventId: 'e0' });
    expect(doc.listCommand).toBe(
      'npm run --silent jobs -- --outputs outputs.json list --status failed --since 2026-12-04T10:00:00.000Z --limit 100; ' +
        'npm run --silent jobs -- --outputs outputs.json stalled --since 2026-12-04T10:00:00.000Z --limit 100',
    );
    expect(notification.subject).toBe('[DIGEST] 27 jobs failed or stalled, 10:00-10:10 UTC on 2026-12-04');
    expect(notification.topic).toBe('alerts');
  });

  it('carries status=digest and the only provider, or - when several', () => {
    expect(build([job('contentor', 1), job('contentor', 2)]).notification.attributes).toEqual({ provider: 'contentor', status: 'digest', eventType: 'failed' });
    expect(build([job('contentor', 1), job('panjaya', 2, 'stalled')]).notification.attributes).toEqual({ provider: '-', status: 'digest', eventType: '-' });
  });

  it('lists every job for as many as there are, and reads as the e-mail says', () => {
    const events = Array.from({ length: 250 }, (_, n) => job('panjaya', n));
    const { notification } = build(events, 'npm run --silent jobs -- get');
    expect(listCommandFor({ failed: 250 }, window.start, 'npm run --silent jobs -- get')).toBe(
      'npm run --silent jobs -- list --status failed --since 2026-12-04T10:00:00.000Z --limit 250',
    );
    const email = (JSON.parse(notification.message) as { email: string }).email;
    expect(email).toContain('250 jobs failed in the alert window');
    expect(email).toContain('… and 230 more.');
    expect(email).toContain('  npm run --silent jobs -- list --status failed --since 2026-12-04T10:00:00.000Z --limit 250');
  });

  it('neutralises provider values in the e-mail and the card', () => {
    const hostile = { provider: 'contentor', jobId: 'x\n<!channel> `rm`\u202e', status: 'failed', eventType: 'failed\r\nBcc: a@b', eventId: 'e1' };
    const structure = JSON.parse(build([hostile]).notification.message) as { email: string; https: string };
    expect(structure.email).not.toMatch(/\nBcc:|\u202e|<!channel> `rm`\n/);
    expect(structure.https).not.toContain('<!channel>');
  });

  it('keeps a jobs command without a trailing get as it is', () => {
    expect(jobsCommandBase('npm run --silent jobs -- get')).toBe('npm run --silent jobs --');
    expect(jobsCommandBase('mytool jobs')).toBe('mytool jobs');
  });

  it('shows seconds for windows that are not whole minutes', () => {
    const short = buildDigestNotification({ start: '2026-12-04T14:45:40.000Z', end: '2026-12-04T14:46:00.000Z' }, [job('contentor', 1)], {
      jobsCommandHint: 'jobs get',
    });
    expect(short.notification.subject).toBe('[DIGEST] 1 job failed, 14:45:40-14:46:00 UTC on 2026-12-04');
  });
});
