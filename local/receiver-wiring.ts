import { receiverDepsFromEnv } from '../lambda/handlers/receiver-deps';
import { makeReceiverHandler } from '../lambda/handlers/receiver-handler';

/** The Lambda receiver, wired from a local environment instead of process.env (same validation, same code). */
export function receiverDepsFromEnvForLocal(env: NodeJS.ProcessEnv) {
  return makeReceiverHandler(receiverDepsFromEnv(env));
}
