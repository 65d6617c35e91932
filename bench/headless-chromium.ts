/**
 * Debian's chromium, headless, as the console's bench (bench/console.ts) and its browser test
 * (test/e2e/console.test.ts) open it: no sandbox (containers run as root), nothing fetched in the background, so a
 * page's timing and the test's network log are the console's alone.
 */
import { existsSync } from 'node:fs';
import { type BrowserContext, chromium } from 'playwright-core';

/** The browser binary: CHROMIUM_PATH when set, else Debian's package (`.ci/run` installs it when missing). */
export const chromiumPath = (): string => process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchHeadlessChromium(profileDir: string, viewport?: { width: number; height: number }): Promise<BrowserContext> {
  const executablePath = chromiumPath();
  if (!existsSync(executablePath)) {
    throw new Error(`no browser at ${executablePath}: install Chromium (Debian/Ubuntu: apt-get install chromium) or set CHROMIUM_PATH`);
  }
  return chromium.launchPersistentContext(profileDir, {
    executablePath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    ...(viewport ? { viewport } : {}),
  });
}
