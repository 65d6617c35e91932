/** Watchdog Lambda entry: wired once per cold start (lambda/handlers/receiver/index.ts describes the convention). */
import { watchdogDepsFromEnv } from './deps';
import { makeScheduledHandler } from './handler';

export const handler = makeScheduledHandler(watchdogDepsFromEnv());
