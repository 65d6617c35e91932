/**
 * Where "did you mean …?" stops suggesting (lambda/core/closest-match.ts): the edit-distance limit at its edge, the
 * longer name setting it, containment either way and only when unambiguous, ties, and empty input.
 */
import { closestMatch, editDistance } from '../../lambda/core/closest-match';

describe('edit distance counts a swap only of two neighbouring characters', () => {
  it.each([
    ['ab', 'xa', 2],
    ['ab', 'bx', 2],
    ['abc', 'cab', 2],
    ['ca', 'abc', 3],
  ])('%j → %j is %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });
});

describe('closest match', () => {
  it('suggests a name exactly at the limit (a third of the longer name, at least 1)', () => {
    expect(closestMatch('jsn', ['json'])).toBe('json');
    expect(closestMatch('eventRetntionDay', ['eventRetentionDays', 'removalPolicy'])).toBe('eventRetentionDays');
  });

  it('measures the limit on the longer of the two names', () => {
    expect(closestMatch('alrtEmls', ['alertEmails', 'removalPolicy'])).toBe('alertEmails');
  });

  it('suggests a candidate that contains the input, or that the input contains, whatever the case', () => {
    expect(closestMatch('retention', ['eventRetentionDays', 'removalPolicy'])).toBe('eventRetentionDays');
    expect(closestMatch('--outputs-file', ['--outputs', '--url'])).toBe('--outputs');
    expect(closestMatch('alertemailsaddresses', ['alertEmails', 'removalPolicy'])).toBe('alertEmails');
  });

  it('suggests nothing when the input is part of several candidates', () => {
    expect(closestMatch('--o', ['--outputs', '--other'])).toBeUndefined();
  });

  it('on a tie, suggests the candidate listed first', () => {
    expect(closestMatch('cat', ['bat', 'cap'])).toBe('bat');
    expect(closestMatch('cat', ['cap', 'bat'])).toBe('cap');
  });

  it('suggests nothing for an empty input or with no candidates', () => {
    expect(closestMatch('', ['only'])).toBeUndefined();
    expect(closestMatch('', ['a', 'json'])).toBeUndefined();
    expect(closestMatch('json', [])).toBeUndefined();
  });
});
