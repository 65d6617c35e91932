/** `npm run redrive`'s text output says which mode ran, even when nothing is pending. */
import { formatReport, type RedriveReport } from '../../tools/redrive';

const empty: RedriveReport = {
  beforeIso: '2026-12-04T10:00:00.000Z',
  executed: false,
  pending: [],
  invalid: [],
  published: [],
  skipped: [],
  failed: [],
  alerted: [],
  digested: [],
  alertFailed: [],
  deadLetters: [],
};
const pending = { eventId: 'e1', provider: 'contentor', jobId: 'j1', status: 'failed', eventType: 'failed', receivedAt: '2026-12-04T09:00:00.000Z' };

describe('redrive report', () => {
  it('says it was a dry run, with nothing pending and with something pending', () => {
    expect(formatReport(empty).split('\n')[0]).toBe('Dry run: nothing is published (add --execute to publish).');
    const text = formatReport({ ...empty, pending: [pending] });
    expect(text.split('\n')[0]).toBe('Dry run: nothing is published (add --execute to publish).');
    expect(text).toContain('Dry run: nothing published. Add --execute to publish them.');
    expect(text).not.toContain('Published');
  });

  it('says it published when executed', () => {
    const text = formatReport({ ...empty, executed: true, pending: [pending], published: ['e1'] });
    expect(text.split('\n')[0]).toBe('Re-drive (--execute): publishing what is pending.');
    expect(text).toContain('Published 1, already notified meanwhile 0, failed 0.');
    expect(text).not.toContain('Dry run');
  });
});
