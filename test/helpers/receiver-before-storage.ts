/**
 * The receiver handler for tests of what it answers before anything is stored (refusals, secret outages): its store
 * throws `why` if reached, and its logs are at INFO so the test reads every line it writes.
 */
import { makeTelemetry } from '../../lambda/adapters/telemetry';
import { builtInRegistry } from '../../lambda/core/providers';
import type { TrustResolver } from '../../lambda/core/trust';
import { makeReceiverHandler } from '../../lambda/handlers/receiver/handler';

export function receiverBeforeStorage(options: { trust: TrustResolver; maxBodyBytes: number; why: string }) {
  const telemetry = makeTelemetry('receiver');
  telemetry.logger.setLogLevel('INFO');
  return makeReceiverHandler({
    findProvider: builtInRegistry.get,
    store: {
      store: async () => {
        throw new Error(options.why);
      },
    },
    trust: options.trust,
    maxBodyBytes: options.maxBodyBytes,
    now: () => new Date(),
    telemetry,
  });
}
