#!/usr/bin/env node
/**
 * Runs before `npm start` and `npm test` (package.json prestart/pretest), so that on a fresh clone those two commands
 * alone work. Plain Node, no dependencies: it runs before node_modules exists.
 *
 * 1. Installs the locked dependencies (`npm ci`) when node_modules is missing or older than package-lock.json.
 *    "Older" is decided by npm's own record of what it installed (node_modules/.package-lock.json): a lock file that
 *    is newer on disk but locks the same versions (a fresh checkout, a touch) does not reinstall.
 * 2. Checks Java 17+ (DynamoDB Local needs it) and says exactly what to do when it is missing or too old.
 *
 * Environment: FIRST_RUN_SKIP_INSTALL=1 skips step 1, FIRST_RUN_SKIP_JAVA=1 skips step 2 (both for tests of this file).
 * Exit codes: 0 ready, 1 the install failed, 3 Java missing or too old.
 */
'use strict';
const { spawnSync } = require('node:child_process');
const { existsSync, readFileSync, statSync } = require('node:fs');
const path = require('node:path');

const root = process.env.FIRST_RUN_ROOT || path.resolve(__dirname, '..');
const say = (line) => process.stderr.write(`[setup] ${line}\n`);

/** Why the installed tree does not match the lock file, or undefined when it does. */
function staleReason() {
  const lockFile = path.join(root, 'package-lock.json');
  const installed = path.join(root, 'node_modules', '.package-lock.json');
  if (!existsSync(path.join(root, 'node_modules'))) return 'node_modules is missing';
  if (!existsSync(installed)) return 'node_modules was not installed by npm from the lock file';
  if (!existsSync(lockFile)) return undefined;
  if (statSync(installed).mtimeMs >= statSync(lockFile).mtimeMs) return undefined;
  // The lock file changed on disk after the install: reinstall only if it locks something else.
  const locked = JSON.parse(readFileSync(lockFile, 'utf8')).packages || {};
  const present = JSON.parse(readFileSync(installed, 'utf8')).packages || {};
  for (const [name, entry] of Object.entries(locked)) {
    if (name === '' || entry.link) continue;
    const have = present[name];
    // npm leaves optional packages for other platforms (e.g. @esbuild/darwin-arm64) out of node_modules.
    if (!have) {
      if (entry.optional) continue;
      return `node_modules is older than package-lock.json (${name.replace(/^.*node_modules\//, '')} is not installed)`;
    }
    if (have.version !== entry.version) {
      return `node_modules is older than package-lock.json (${name.replace(/^.*node_modules\//, '')} ${have.version} installed, ${entry.version} locked)`;
    }
  }
  return undefined;
}

function install() {
  const reason = staleReason();
  if (!reason) return 0;
  say(`${reason}: installing the locked dependencies (npm ci)…`);
  const npm = process.env.npm_execpath;
  // Under npm, npm_execpath is npm's own CLI script: run it with this Node rather than trusting PATH.
  const [command, args] = npm && /\.c?js$/.test(npm) ? [process.execPath, [npm]] : ['npm', []];
  const result = spawnSync(command, [...args, 'ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (result.status === 0) return 0;
  say(`npm ci failed (${result.error ? result.error.message : `exit ${result.status}`}); fix the error above and run it again`);
  return 1;
}

/** Java's major version, undefined when `java` is not on PATH. Same parsing as local/emulators.ts. */
function javaMajor() {
  const out = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (out.error) return undefined;
  const match = /version "(\d+)(?:\.(\d+))?/.exec(`${out.stderr}${out.stdout}`);
  if (!match) return 0;
  const major = Number(match[1]);
  return major === 1 ? Number(match[2]) : major;
}

function checkJava() {
  const major = javaMajor();
  if (major !== undefined && major >= 17) return 0;
  const found = major === undefined ? '`java` is not on PATH' : major === 0 ? '`java -version` printed no version' : `found Java ${major}`;
  say(`DynamoDB Local (used by npm start and npm test) needs Java 17 or newer; ${found}.`);
  say('  Debian/Ubuntu: sudo apt-get install openjdk-17-jre-headless   macOS: brew install openjdk@17');
  say('  Then check that `java -version` shows 17 or newer (put it first on PATH), and run the command again.');
  return 3;
}

function main() {
  if (process.env.FIRST_RUN_SKIP_INSTALL !== '1') {
    const code = install();
    if (code !== 0) return code;
  }
  if (process.env.FIRST_RUN_SKIP_JAVA !== '1') return checkJava();
  return 0;
}

process.exitCode = main();
