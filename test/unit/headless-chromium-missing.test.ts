/** Without the browser, the console's browser test and bench fail saying what to install (bench/headless-chromium.ts). */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { launchHeadlessChromium } from '../../bench/headless-chromium';

describe('launchHeadlessChromium without a browser', () => {
  const before = process.env.CHROMIUM_PATH;
  afterEach(() => {
    if (before === undefined) delete process.env.CHROMIUM_PATH;
    else process.env.CHROMIUM_PATH = before;
  });

  it('rejects naming the path looked at, the package to install and CHROMIUM_PATH', async () => {
    const missing = path.join(mkdtempSync(path.join(tmpdir(), 'no-chromium-')), 'chromium');
    process.env.CHROMIUM_PATH = missing;
    await expect(launchHeadlessChromium(mkdtempSync(path.join(tmpdir(), 'profile-')))).rejects.toThrow(
      `no browser at ${missing}: install Chromium (Debian/Ubuntu: apt-get install chromium) or set CHROMIUM_PATH`,
    );
  });
});
