/**
 * Receiver Lambda entry: wiring runs once per cold start (environment validated, Panjaya keys parsed, clients
 * created) so each request pays for verification and storage alone. Logic: receiver-handler.ts, core/ingest.ts.
 */
import { receiverDepsFromEnv } from './receiver-deps';
import { makeReceiverHandler } from './receiver-handler';

export const handler = makeReceiverHandler(receiverDepsFromEnv());
