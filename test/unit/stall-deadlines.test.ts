import { providerRegistry } from '../../lambda/core/providers';
import { judgeStall, parseStallDeadlines, StallDeadlinesError, stallEventId } from '../../lambda/core/watchdog';
import { stateItem } from '../helpers/state-items';

const minutesOf = (input: unknown) => parseStallDeadlines({ contentor: { processing: input } }).find((r) => r.eventType === 'processing')?.minutes;

/** The error `parseStallDeadlines` throws for `input`, to read its name and whole message. */
function refusal(input: unknown, providers = providerRegistry()): StallDeadlinesError {
  try {
    parseStallDeadlines(input, 'stallDeadlines', providers);
  } catch (error) {
    return error as StallDeadlinesError;
  }
  throw new Error(`${JSON.stringify(input)} was accepted`);
}

/** The built-in providers and a configured one, Acme, whose provider statuses map as `statuses` says. */
const withAcme = (statuses: Record<string, 'in_progress' | 'succeeded' | 'failed'>) =>
  providerRegistry({
    acme: { label: 'Acme', signature: { scheme: 'hmac-sha256', header: 'X-Acme-Signature', encoding: 'hex' }, jobId: '/id', status: '/state', statuses },
  });

describe('a stall deadline duration', () => {
  it.each([
    ['1.5h', 90],
    ['1.25h', 75],
    ['2 h', 120],
    [' 2h ', 120],
    ['90 min', 90],
    ['2D', 2880],
  ])('reads %j as %i minutes', (input, minutes) => {
    expect(minutesOf(input)).toBe(minutes);
  });

  it.each([[' OFF '], [false], [null]])('switches the status off with %j', (input) => {
    const contentorRules = parseStallDeadlines({ contentor: { processing: input } }).filter((r) => r.provider === 'contentor');
    expect(contentorRules.map((r) => r.eventType)).toEqual(['downloading', 'uploading']);
  });

  it.each([['-5m'], ['x2h'], ['2 hours'], ['2h30']])('refuses %j, saying what a duration looks like', (input) => {
    expect(refusal({ contentor: { processing: input } }).message).toBe(
      `stallDeadlines.contentor.processing: ${JSON.stringify(input)} is not a duration such as "90m", "2h" or "2d", a number of minutes, or "off" (whole minutes, at least 1)`,
    );
  });
});

describe('a refused stall deadline configuration', () => {
  it('is a StallDeadlinesError listing every bad entry, separated by "; "', () => {
    const error = refusal({ contentor: { completed: '2h', failed: '1h' } });
    expect(error).toBeInstanceOf(StallDeadlinesError);
    expect(error.name).toBe('StallDeadlinesError');
    expect(error.message).toBe(
      'stallDeadlines.contentor.completed: contentor "completed" is succeeded, not a waiting status; deadlines apply to downloading, processing, uploading; ' +
        'stallDeadlines.contentor.failed: contentor "failed" is failed, not a waiting status; deadlines apply to downloading, processing, uploading',
    );
  });

  it('names the provider statuses a deadline may apply to, or that there are none', () => {
    expect(refusal({ contentor: { queued: '2h' } }).message).toBe(
      'stallDeadlines.contentor.queued: contentor "queued" is not a status this receiver knows; deadlines apply to downloading, processing, uploading',
    );
    expect(refusal({ acme: { done: '2h' } }, withAcme({ done: 'succeeded', error: 'failed' })).message).toBe(
      'stallDeadlines.acme.done: acme "done" is succeeded, not a waiting status; deadlines apply to none of its statuses',
    );
  });

  it('names a provider that does not exist, and the ones that do', () => {
    expect(refusal({ acme: { processing: '2h' } }).message).toBe('stallDeadlines.acme: "acme" is not a provider here (known: panjaya, contentor)');
  });

  it('shows the expected shape when the text is not a JSON object', () => {
    expect(refusal('[1, 2]').message).toBe(
      'stallDeadlines: stallDeadlines must be a JSON object by provider, e.g. {"contentor":{"processing":"2h"},"panjaya":{"version_ready":"off"}}',
    );
  });
});

describe('the deadline that judges a job', () => {
  const acme = withAcme({ processing: 'in_progress', done: 'succeeded' });

  const processingState = (provider: string) => stateItem({ provider, jobId: 'j1' });

  it("is the job's own provider's, when another provider has a status of the same name", () => {
    const rules = parseStallDeadlines({ acme: { processing: '6h' } }, 'stallDeadlines', acme);
    const threeHoursOn = new Date('2026-11-23T10:00:00.000Z');
    expect(judgeStall(processingState('contentor'), rules, threeHoursOn)?.rule).toMatchObject({ provider: 'contentor', minutes: 120 });
    expect(judgeStall(processingState('acme'), rules, threeHoursOn)).toBeUndefined();
    expect(judgeStall(processingState('acme'), rules, new Date('2026-11-23T13:00:00.000Z'))?.rule).toMatchObject({ provider: 'acme', minutes: 360 });
  });

  it('gives the stall event an id of the same form as every stored event id (32 hex digits)', () => {
    expect(stallEventId(processingState('contentor'))).toMatch(/^[0-9a-f]{32}$/);
  });
});
