import fc from 'fast-check';
import { closestMatch, didYouMean, editDistance } from '../../lambda/core/closest-match';

describe('edit distance', () => {
  it.each([
    ['', '', 0],
    ['json', 'json', 0],
    ['jsn', 'json', 1],
    ['jsno', 'json', 1],
    ['uid', 'uuid', 1],
    ['alertEmailz', 'alertEmails', 1],
    ['kitten', 'sitting', 3],
  ])('%j → %j is %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
  });

  it('is zero exactly for equal strings, symmetric, and at most the longer length', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), (a, b) => {
        const d = editDistance(a, b);
        expect(d === 0).toBe(a === b);
        expect(editDistance(b, a)).toBe(d);
        expect(d).toBeLessThanOrEqual(Math.max(a.length, b.length));
        expect(d).toBeGreaterThanOrEqual(Math.abs(a.length - b.length));
      }),
    );
  });
});

describe('closest match', () => {
  const options = ['--uuid', '--url', '--json', '--outputs', '--timestamp', '--allow-unknown'];
  it.each([
    ['--uid', '--uuid'],
    ['--jsn', '--json'],
    ['--JSON', '--json'],
    ['--out', '--outputs'],
    ['--timestmp', '--timestamp'],
    ['--allow-unkown', '--allow-unknown'],
  ])('suggests %s → %s', (input, expected) => {
    expect(closestMatch(input, options)).toBe(expected);
  });

  it('suggests nothing for a name unlike every candidate', () => {
    expect(closestMatch('--zebra', options)).toBeUndefined();
    expect(didYouMean('--zebra', options)).toBe('');
  });

  it('always suggests a candidate for a one-edit typo of it', () => {
    const names = ['alertEmails', 'slackWorkspaceId', 'slackChannelId', 'eventRetentionDays', 'removalPolicy', 'logRetentionDays'];
    fc.assert(
      fc.property(fc.constantFrom(...names), fc.nat(), fc.constantFrom('a', 'z', 'Q'), (name, at, letter) => {
        const i = at % name.length;
        const typo = `${name.slice(0, i)}${letter}${name.slice(i + 1)}`;
        fc.pre(typo !== name);
        expect(closestMatch(typo, names)).toBe(name);
      }),
    );
  });
});
