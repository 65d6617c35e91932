/**
 * What the alerts path is configured to do (lambda/core/alerts/settings.ts): which statuses alert (deploy context
 * `alertStatuses`, README "Alerts and digests"), the defaults, and how long after its end a window is flushed.
 */
import { AlertStatusesSchema, DEFAULT_ALERT_SETTINGS, flushGraceMs, pacing, type AlertSettings } from '../../lambda/core/alerts';

const parsed = (value: unknown) => AlertStatusesSchema.safeParse(value);
const refusal = (value: unknown) => parsed(value).error?.issues.map((issue) => issue.message);

describe('AlertStatusesSchema', () => {
  it('reads a comma-separated list or an array', () => {
    expect(parsed('failed,stalled').data).toEqual(['failed', 'stalled']);
    expect(parsed(['succeeded', 'failed']).data).toEqual(['succeeded', 'failed']);
  });

  it('trims each status, drops empty items and repeats', () => {
    expect(parsed(' failed , ,stalled,').data).toEqual(['failed', 'stalled']);
    expect(parsed([' stalled', '', 'stalled ']).data).toEqual(['stalled']);
    expect(parsed('failed,failed,succeeded').data).toEqual(['failed', 'succeeded']);
  });

  it('refuses statuses that never notify, naming them', () => {
    expect(refusal('failed,in_progress,bogus')).toEqual(['alert statuses must be a non-empty list of succeeded, failed, stalled (not in_progress, bogus)']);
    expect(refusal(['ready'])).toEqual(['alert statuses must be a non-empty list of succeeded, failed, stalled (not ready)']);
  });

  it('refuses an empty list', () => {
    for (const empty of ['', ' , ', []]) expect(refusal(empty)).toEqual(['alert statuses must be a non-empty list of succeeded, failed, stalled']);
  });
});

describe('DEFAULT_ALERT_SETTINGS', () => {
  it('are the documented defaults: failed and stalled, 10 alerts per window of 10 minutes', () => {
    expect(DEFAULT_ALERT_SETTINGS).toEqual({ statuses: new Set(['failed', 'stalled']), perWindow: 10, windowSeconds: 600 });
  });
});

describe('flushGraceMs', () => {
  const settings = (windowSeconds: number): AlertSettings => ({ statuses: new Set(['failed']), perWindow: 1, windowSeconds });

  it('is the longest wait for a rate slot, or one window when that is shorter', () => {
    expect(pacing.maxWaitMs).toBe(10_000);
    expect(flushGraceMs(settings(600))).toBe(10_000);
    expect(flushGraceMs(settings(11))).toBe(10_000);
    expect(flushGraceMs(settings(3))).toBe(3_000);
  });
});
