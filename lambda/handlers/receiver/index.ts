/**
 * Receiver Lambda entry (the convention of every function here: `index.ts` wires from the environment once per cold
 * start, `handler.ts` is the factory tests call with their own dependencies, `deps.ts` is the wiring).
 */
import { receiverDepsFromEnv } from './deps';
import { makeReceiverHandler } from './handler';

export const handler = makeReceiverHandler(receiverDepsFromEnv());
