/**
 * Trust material per provider, resolved the way each module's TrustSpec asks: public keys parsed once at cold
 * start, secrets from a source (Secrets Manager with a cache in AWS, the environment locally). A delivery only touches
 * its own provider's source: a Panjaya delivery never calls Secrets Manager.
 */
import type { KeyObject } from 'node:crypto';
import type { SecretSource } from './ports';
import type { ProviderModule, Trust } from './providers/provider';

export type TrustResolver = (provider: ProviderModule) => Promise<Trust>;

const NONE: readonly never[] = [];

/**
 * A resolver over keys and secret sources by provider name. A provider with nothing configured gets no material,
 * so its deliveries are refused (401) and quarantined rather than failing the function; configuration checks at
 * synth and `npm start` make sure that does not happen by accident.
 */
export function trustResolver(material: {
  readonly publicKeys?: Readonly<Record<string, readonly KeyObject[]>>;
  readonly secrets?: Readonly<Record<string, SecretSource>>;
}): TrustResolver {
  return async (provider) => {
    if (provider.trust.kind === 'public-keys') {
      return { publicKeys: Object.hasOwn(material.publicKeys ?? {}, provider.name) ? (material.publicKeys?.[provider.name] ?? NONE) : NONE, secrets: NONE };
    }
    const source = Object.hasOwn(material.secrets ?? {}, provider.name) ? material.secrets?.[provider.name] : undefined;
    return { publicKeys: NONE, secrets: source ? await source.secrets() : NONE };
  };
}
