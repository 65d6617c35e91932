import type { KeyObject } from 'node:crypto';
import type { NormalisedEvent, ProviderName } from '../model';

/** The request as received: exact body bytes (already base64-decoded if API Gateway encoded it). */
export interface RawRequest {
  readonly body: Buffer;
  /** Header names lower-cased; repeated headers joined with ", " as API Gateway HTTP API does. */
  readonly headers: Readonly<Record<string, string>>;
}

/** Keys and secrets a verifier may use. Loaded by the caller (keys once per cold start, secrets from a cached source). */
export interface TrustMaterial {
  readonly panjayaPublicKeys: readonly KeyObject[];
  readonly contentorSecrets: readonly string[];
}

/**
 * One provider: schema, verifier, job id and status mapping. Registered in `providers/index.ts`.
 * `verify` throws SignatureError; `normalise` throws ValidationError. `normalise` runs only after `verify` passed.
 */
export interface ProviderModule {
  readonly name: ProviderName;
  /** Which trust material `verify` needs, so the caller fetches only that (e.g. no Secrets Manager call for Panjaya). */
  readonly trust: keyof TrustMaterial;
  verify(request: RawRequest, trust: TrustMaterial): void;
  normalise(request: RawRequest): NormalisedEvent;
}
