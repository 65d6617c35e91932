/**
 * What a subscriber reads about a Panjaya outcome (the e-mail of the succeeded/failed topics), and how a person names
 * a Panjaya job on the CLIs (`npm run jobs -- get panjaya <asset_id> [<version_id>]`).
 */
import { buildNotification } from '../../../lambda/core/notification';
import { builtInRegistry } from '../../../lambda/core/providers';
import { panjaya } from '../../../lambda/core/providers/panjaya';
import { jobRef } from '../../../tools/lib/job-ref';
import { UsageError } from '../../../tools/lib/cli';
import { panjayaItem } from '../../helpers/event-item-fixtures';

const email = (event: string, version?: string) =>
  (
    JSON.parse(buildNotification(panjayaItem(event, 'asset-9', version), { jobsCommandHint: 'jobs get', providers: builtInRegistry }).message) as {
      email: string;
    }
  ).email;

describe('Panjaya outcomes in the notification e-mail', () => {
  it.each([
    [
      'version_generated',
      'Panjaya version asset-9/v2 generated',
      'Panjaya finished generating the dubbed version; its final video can be downloaded (result_url of Get Version).',
    ],
    ['version_failed', 'Panjaya version asset-9/v2 failed (dubbing)', 'Panjaya reported an error while dubbing this version.'],
    [
      'version_generate_failed',
      'Panjaya version asset-9/v2 failed (video generation)',
      'Panjaya reported an error while generating the final video of this version.',
    ],
  ])('%s: headline and what it means', (event, headline, explanation) => {
    const lines = email(event, 'v2').split('\n');
    expect(lines.slice(0, 3)).toEqual([headline, '', explanation]);
    expect(lines).toContain('  jobs get panjaya asset-9 v2');
  });
  it('asset_failed: an asset, whose versions will not be produced', () => {
    const lines = email('asset_failed').split('\n');
    expect(lines.slice(0, 3)).toEqual([
      'Panjaya asset asset-9 failed',
      '',
      'Panjaya reported an error while processing the asset; its versions will not be produced.',
    ]);
    expect(lines).toContain('  jobs get panjaya asset-9');
  });
});

describe('Panjaya job names on the CLIs', () => {
  const usageError = (args: string[]) => {
    try {
      jobRef(args);
    } catch (error) {
      if (error instanceof UsageError) return error.message;
      throw error;
    }
    return 'accepted';
  };

  it('takes an asset, or an asset and a version', () => {
    expect(jobRef(['panjaya', 'asset-9'])).toEqual({ provider: 'panjaya', partitionId: 'asset-9', jobId: 'asset-9' });
    expect(jobRef(['panjaya', 'asset-9', 'v2'])).toEqual({ provider: 'panjaya', partitionId: 'asset-9', jobId: 'asset-9/v2' });
  });
  it('shows how to name one when the words do not fit', () => {
    const usage = 'panjaya <asset_id> [<version_id>]';
    for (const args of [['panjaya'], ['panjaya', ''], ['panjaya', 'asset-9', 'v2', 'extra']]) {
      expect(usageError(args)).toBe(`expected: ${usage}  (all: ${usage} | contentor <uuid>)`);
    }
  });
  it('names a stored job with the words that find it again', () => {
    for (const words of [['asset-9'], ['asset-9', 'v2'], ['a/b', 'c']]) {
      const keys = panjaya.naming.fromArgs(words);
      expect(keys && panjaya.naming.toArgs(keys)).toEqual(words);
      expect(keys && panjaya.naming.kindOf(keys)).toBe(words.length === 1 ? 'asset' : 'version');
    }
  });
});
