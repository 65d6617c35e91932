/**
 * What a provider is, in one interface: everything provider-specific lives in its module (built-in ones in this
 * folder, configured ones built by configured/module.ts), registered in one place (index.ts). Nothing outside a
 * module switches on a provider's name.
 */
import type { KeyObject } from 'node:crypto';
import type { EventItem } from '../items';
import type { NormalisedEvent, NormalisedStatus } from '../model';

/** The request as received: exact body bytes (already base64-decoded if API Gateway encoded it). */
export interface RawRequest {
  readonly body: Buffer;
  /** Header names lower-cased; repeated headers joined with ", " as API Gateway HTTP API does. */
  readonly headers: Readonly<Record<string, string>>;
}

/** Keys or secrets a verifier uses; a provider gets only the kind it declares in {@link TrustSpec}. */
export interface Trust {
  readonly publicKeys: readonly KeyObject[];
  readonly secrets: readonly string[];
}

/**
 * How a provider's trust material is loaded by every host (handlers/provider-wiring.ts, the CDK construct, the local
 * stack, the tools), so a provider declares it once here: public keys parsed once per cold start from an environment
 * variable (with a documented default), or shared secrets from Secrets Manager in AWS (one secret per provider, its
 * ARN in PROVIDER_SECRET_ARNS, cached with a short TTL) and from the local stack's environment.
 */
export type TrustSpec =
  | {
      readonly kind: 'public-keys';
      /** Environment variable holding the keys (concatenated PEM), for the functions and for `npm start`. */
      readonly envName: string;
      /** Keys trusted when the variable is unset. */
      readonly defaultPem: string;
      /** Parses the variable's text; throws an Error naming the bad key. */
      parse(text: string): KeyObject[];
      /** A key pair of the kind `parse` accepts: the local stack's development key (the private half signs `send`). */
      generateDevKeyPair(): { readonly publicKeyPem: string; readonly privateKeyPem: string };
    }
  | {
      readonly kind: 'secrets';
      /** A built-in's own variable for `npm start` and the local functions: comma-separated secrets (a documented name). */
      readonly localEnvName?: string;
      /** A built-in's own stack output naming its secret's ARN (a documented name); every secret is in ProviderSecretArns too. */
      readonly outputName?: string;
    };

/**
 * The signing primitives `send` and the tests hand a module, holding the material (a shared secret or a private key):
 * tools/lib/signing.ts makes them. A module decides what is signed and how it is written; no digest is computed in
 * lambda/ outside verification (test/security/constant-time.test.ts).
 */
export interface Signer {
  /** HMAC of the concatenated parts with the shared secret. */
  hmac(algorithm: 'sha256' | 'sha512', ...parts: readonly (string | Uint8Array)[]): Buffer;
  /** ECDSA over SHA-256 of the bytes with the private key: DER, or raw r||s (`ieee-p1363`). */
  ecdsa(data: Uint8Array, encoding: 'der' | 'ieee-p1363'): Buffer;
}

/** A test delivery, signed as the provider signs: what `npm run send` posts to `POST /webhooks/<name>`. */
export interface SampleDelivery {
  readonly headers: Record<string, string>;
  readonly body: string;
  /** The CLI words that name its job (`npm run jobs -- get <provider> <words>`). */
  readonly job: readonly string[];
}

/**
 * How a built-in provider's deliveries are made for trying the stack out (`npm run send`, the tests): the module
 * that verifies a scheme also writes it, so the two sides cannot drift apart.
 */
export interface SampleSender {
  /** What the provider calls the names it sends: `event` (Panjaya) or `status`. */
  readonly eventNoun: string;
  /** `send` options naming the job and its time, with their help text and default (none: a new id each time). */
  readonly options: Readonly<Record<string, { readonly help: string; readonly default?: string }>>;
  /** Signature styles `--style` takes; the first is the default. */
  readonly styles: readonly string[];
  /** A delivery of `eventType` as the provider sends it; `values` holds the options given, defaults applied. */
  sample(eventType: string, values: Readonly<Record<string, string | undefined>>, signer: Signer, style: string): SampleDelivery;
}

/** How a person names a provider's jobs on the CLIs, and how a notification spells that command. */
export interface JobNaming {
  /** e.g. `panjaya <asset_id> [<version_id>]`. */
  readonly usage: string;
  /** CLI words after the provider name → the keys the job is stored under; undefined for wrong arity. */
  fromArgs(args: readonly string[]): { partitionId: string; jobId: string } | undefined;
  /** The CLI words that name this stored job (inverse of fromArgs). */
  toArgs(job: Pick<EventItem, 'jobId' | 'partitionId'>): string[];
  /** What one job is called in prose: `job`, `asset`, `version`. */
  kindOf(job: Pick<EventItem, 'jobId' | 'partitionId'>): string;
}

/** A headline's pieces: our words, or a provider-controlled value the channel must neutralise. */
export type Segment = string | { value: string };

export interface EventDescription {
  /** e.g. ["Contentor job ", {value: uuid}, " failed"] */
  readonly headline: Segment[];
  /** One sentence in our words: what happened and what it means. */
  readonly explanation: string;
}

/**
 * One provider. `verify` throws SignatureError and returns what it verified and parsed (`V`), which `normalise`
 * takes: the body is parsed once, and normalise reads exactly what was checked. `normalise` throws ValidationError.
 */
export interface ProviderModule<V = unknown> {
  /** Route segment: `POST /webhooks/<name>`; also `provider` in items, notifications and CLIs. */
  readonly name: string;
  /** Display name in notifications. */
  readonly label: string;
  readonly trust: TrustSpec;
  /** The request headers `verify` reads (lower case): what a refused delivery keeps to be verified again. */
  readonly signatureHeaders: readonly string[];
  verify(request: RawRequest, trust: Trust, receivedAt: Date): V;
  normalise(request: RawRequest, verified: V): NormalisedEvent;
  /** The provider's status/event name → normalised status (`unknown` for names it does not document). */
  statusOf(eventType: string): NormalisedStatus;
  /** Its lifecycle rank: a later stage wins a tie in time, and (arrival order) is not overtaken by an earlier one. */
  rankOf(eventType: string): number;
  /** Status/event names the provider documents (for the CLIs' checks and the watchdog's configuration). */
  readonly knownEventTypes: readonly string[];
  /** Default stall deadlines in minutes, by the provider's own status name. */
  readonly defaultStallDeadlines: Readonly<Record<string, number>>;
  readonly naming: JobNaming;
  /** Words for a terminal event of this provider (the watchdog's stalls are worded apart). */
  describe(item: EventItem): EventDescription;
  /** Built-ins: how `npm run send` makes their deliveries (configured providers are sent from their declaration). */
  readonly sender?: SampleSender;
}

/** The same spelling rule for every status lookup: providers may drift in case or stray whitespace. */
export const eventTypeKey = (eventType: string): string => eventType.trim().toLowerCase();

/** A status table lookup by {@link eventTypeKey}, reading own properties only (`constructor` is unknown). */
export function lookupStatus<T>(table: Readonly<Record<string, T>>, eventType: string, fallback: T): T {
  const key = eventTypeKey(eventType);
  return Object.hasOwn(table, key) ? (table[key] ?? fallback) : fallback;
}

/** Naming for providers whose job is one id (partition = job). */
export const singleIdNaming = (provider: string, idName: string): JobNaming => ({
  usage: `${provider} <${idName}>`,
  fromArgs: (args) => (args.length === 1 && args[0] ? { partitionId: args[0], jobId: args[0] } : undefined),
  toArgs: (job) => [job.jobId],
  kindOf: () => 'job',
});

/** A provider's lifecycle from its two tables: status names → normalised status, and → rank (both by eventTypeKey). */
export function tableLifecycle(
  statuses: Readonly<Record<string, NormalisedStatus>>,
  ranks: Readonly<Record<string, number>>,
): Pick<ProviderModule, 'statusOf' | 'rankOf' | 'knownEventTypes'> {
  return {
    statusOf: (eventType) => lookupStatus(statuses, eventType, 'unknown'),
    rankOf: (eventType) => lookupStatus(ranks, eventType, 0),
    knownEventTypes: Object.keys(statuses),
  };
}

/** Our words for the provider's outcomes it documents: what it means, in one sentence. */
export type OutcomeWords = Readonly<Record<string, { readonly outcome: string; readonly explanation: string }>>;

/** `describe` from a words table: "<Label> <kind> <id> <outcome>", or the normalised status for undocumented names. */
export function describeFrom(label: string, naming: JobNaming, words: OutcomeWords): (item: EventItem) => EventDescription {
  return (item) => {
    const known = lookupStatus(words, item.eventType, undefined);
    const head = `${label} ${naming.kindOf(item)} `;
    if (known) return { headline: [head, { value: item.jobId }, ` ${known.outcome}`], explanation: known.explanation };
    return { headline: [head, { value: item.jobId }, ` ${item.status}`], explanation: `${label} sent a status this receiver maps to "${item.status}".` };
  };
}
