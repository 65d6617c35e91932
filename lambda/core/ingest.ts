import { DependencyError, PayloadTooLargeError, UnknownProviderError, WebhookError } from './errors';
import type { StoreOutcome, NormalisedEvent } from './model';
import type { EventStore } from './ports';
import type { ProviderModule, RawRequest } from './providers/provider';
import type { TrustResolver } from './trust';

/** What the receiver needs; the handler builds it once per cold start, tests pass local endpoints or fakes. */
export interface IngestDeps {
  readonly findProvider: (name: string) => ProviderModule | undefined;
  readonly store: EventStore;
  /** Each provider's keys or secrets (trust.ts): only the delivery's own provider is asked. */
  readonly trust: TrustResolver;
  readonly maxBodyBytes: number;
  readonly now: () => Date;
}

/** An incoming delivery before decoding: API Gateway may have base64-encoded the body. */
export interface IncomingDelivery {
  readonly providerName: string;
  readonly body: string;
  readonly isBase64Encoded: boolean;
  readonly headers: Readonly<Record<string, string | undefined>>;
}

export type IngestResult =
  | { readonly kind: 'stored'; readonly event: NormalisedEvent; readonly stored: StoreOutcome }
  | {
      readonly kind: 'rejected';
      readonly error: WebhookError;
      readonly event?: NormalisedEvent;
      /** The decoded request, when decoding got that far: the receiver quarantines it on a 401/400. */
      readonly request?: RawRequest;
      /** When the refusal was decided (ISO), from `deps.now`. */
      readonly receivedAt?: string;
    };

/** Header names are case-insensitive: lower-case them; repeated names are already comma-joined by API Gateway. */
export function normaliseHeaders(headers: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const key = name.toLowerCase();
    out[key] = out[key] === undefined ? value : `${out[key]}, ${value}`;
  }
  return out;
}

/** Decodes the body to the exact bytes the provider signed, refusing oversize bodies before any decoding or parsing. */
export function decodeBody(delivery: IncomingDelivery, maxBodyBytes: number): Buffer {
  const tooLarge = () => new PayloadTooLargeError(`body exceeds the ${maxBodyBytes}-byte limit`);
  if (delivery.isBase64Encoded) {
    // Base64 grows 4/3: reject on the encoded size first so a huge body is never decoded.
    if (Math.floor((delivery.body.length * 3) / 4) > maxBodyBytes + 2) throw tooLarge();
    const bytes = Buffer.from(delivery.body, 'base64');
    if (bytes.length > maxBodyBytes) throw tooLarge();
    return bytes;
  }
  if (delivery.body.length > maxBodyBytes) throw tooLarge(); // UTF-16 length ≤ UTF-8 bytes: a cheap first bound
  const bytes = Buffer.from(delivery.body, 'utf8');
  if (bytes.length > maxBodyBytes) throw tooLarge();
  return bytes;
}

/**
 * Route → size limit → trust material → verify → parse/normalise → store. Every failure is a named WebhookError;
 * anything unexpected from a dependency becomes a 503 so the provider retries.
 */
export async function ingest(delivery: IncomingDelivery, deps: IngestDeps): Promise<IngestResult> {
  const provider = deps.findProvider(delivery.providerName);
  if (!provider) return { kind: 'rejected', error: new UnknownProviderError(`no webhook route for provider "${delivery.providerName}"`) };
  let event: NormalisedEvent | undefined;
  let request: RawRequest | undefined;
  // One receive time for the whole delivery: verification (timestamp tolerance), storage and a quarantine record.
  const now = deps.now();
  try {
    request = { body: decodeBody(delivery, deps.maxBodyBytes), headers: normaliseHeaders(delivery.headers) };
    const verified = provider.verify(request, await deps.trust(provider), now);
    event = provider.normalise(request, verified);
    const stored = await deps.store.store(event, now.toISOString());
    return { kind: 'stored', event, stored };
  } catch (error) {
    if (error instanceof WebhookError) return { kind: 'rejected', error, event, request, receivedAt: now.toISOString() };
    return {
      kind: 'rejected',
      event,
      error: new DependencyError('dependency_unavailable', 'temporarily unable to process the delivery', { cause: String(error) }),
    };
  }
}
