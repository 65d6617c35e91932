/** Fan-out Lambda entry: wired once per cold start (lambda/handlers/receiver/index.ts describes the convention). */
import { fanoutDepsFromEnv } from './deps';
import { makeFanoutHandler } from './handler';

export const handler = makeFanoutHandler(fanoutDepsFromEnv());
