/**
 * Contentor video API webhooks. Two signing styles are in the wild (see the provider's document):
 * - header: `X-Webhook-Signature` = HMAC-SHA256(secret, raw body), hex or base64, optional `sha256=` prefix;
 * - envelope: body `{"data": {...}, "signature": b64}`, HMAC over Python's `json.dumps(data, sort_keys=True)`, or over
 *   what the document's other-language samples produce (see json/canonical-forms.ts), or over `data` exactly as sent.
 * The same event in either style gets the same content hash, so it is one event, not two.
 */
import { hash, randomUUID } from 'node:crypto';
import * as z from 'zod/mini';
import { SignatureError, ValidationError } from '../errors';
import { type CanonicalForm, canonicalForms, serialiseAs } from '../json/canonical-forms';
import { CanonicalJsonError, decodeJsonText, memberOf, parseJson, type JsonNode } from '../json/parse';
import { anyDigestMatches, hmacSha256, usableSecrets } from '../crypto/hmac';
import { decodeBase64, decodeHex, headerCandidates } from '../crypto/signatures';
import type { NormalisedEvent, NormalisedStatus } from '../model';
import { detailsOf, parseJsonObjectBody, parsePayload, requiredString, wholeBodySpan } from './body';
import { checkEventType, checkId } from './ids';
import { normaliseIsoTimestamp } from './timestamps';
import {
  describeFrom,
  lookupStatus,
  type OutcomeWords,
  type ProviderModule,
  type RawRequest,
  type SampleDelivery,
  type SampleSender,
  type Signer,
  singleIdNaming,
  tableLifecycle,
  type Trust,
} from './provider';

/** Contentor `status` → normalised status. Any other status is `unknown`. */
export const contentorStatuses: Readonly<Record<string, NormalisedStatus>> = {
  downloading: 'in_progress',
  processing: 'in_progress',
  uploading: 'in_progress',
  completed: 'succeeded',
  failed: 'failed',
};

/** Pipeline order: a later stage wins a timestamp tie; unknown statuses rank lowest. */
const stageRanks: Readonly<Record<string, number>> = { downloading: 1, processing: 2, uploading: 3, completed: 4, failed: 4 };

/** Machine work: 2 h in one stage without news means something was lost. */
const defaultStallDeadlines = { downloading: 120, processing: 120, uploading: 120 };

const naming = singleIdNaming('contentor', 'uuid');

const statusWords: OutcomeWords = {
  completed: { outcome: 'completed', explanation: 'Contentor finished the job: the processed video was uploaded.' },
  failed: { outcome: 'failed', explanation: 'Contentor reported that the job failed.' },
};

const DIGEST_BYTES = 32;
const SHA256_PREFIX_RE = /^sha256=/i;

/** A signature value: hex (either case) or base64 of a 32-byte digest, optionally prefixed `sha256=`. */
function decodeDigest(candidate: string): Buffer | undefined {
  const value = candidate.replace(SHA256_PREFIX_RE, '');
  const bytes = decodeHex(value) ?? decodeBase64(value);
  return bytes?.length === DIGEST_BYTES ? bytes : undefined;
}

/** The envelope's parts when the body is `{"data": {...}, "signature": "<string>"}`. */
interface Envelope {
  readonly data: JsonObjectNode;
  /** `data` exactly as it appears in the body. */
  readonly rawData: string;
  /** Where `rawData` lies in the decoded text (UTF-16 offsets). */
  readonly dataStart: number;
  readonly dataEnd: number;
  readonly signature: string;
}

type JsonObjectNode = Extract<JsonNode, { kind: 'object' }>;

/** One body parsed: its tree and decoded text, its envelope parts, and the signed object's Python form. */
interface ParsedTree {
  readonly root: JsonNode;
  readonly text: string;
  readonly envelope: Envelope | undefined;
  /** `serialiseAs(signed, 'python')`, computed at most once: the envelope check and the content hash both need it. */
  python: string | undefined;
}

/** A body our parser does not read: not UTF-8, not JSON, or nested deeper than it goes (JSON.parse may still read it). */
type ParsedBody = ParsedTree | { readonly root: undefined; readonly envelope: undefined };

const UNPARSED: ParsedBody = { root: undefined, envelope: undefined };

function parseBody(body: Buffer): ParsedBody {
  let text: string;
  let root: JsonNode;
  try {
    text = decodeJsonText(body);
    root = parseJson(text);
  } catch (error) {
    if (error instanceof CanonicalJsonError) return UNPARSED;
    throw error;
  }
  return { root, text, envelope: envelopeOf(root, text), python: undefined };
}

function envelopeOf(root: JsonNode, text: string): Envelope | undefined {
  const data = memberOf(root, 'data');
  const signature = memberOf(root, 'signature');
  if (data?.value.kind !== 'object' || signature?.value.kind !== 'string') return undefined;
  // Offsets index the decoded text; slicing the text keeps multi-byte characters whole.
  return { data: data.value, rawData: text.slice(data.start, data.end), dataStart: data.start, dataEnd: data.end, signature: signature.value.value };
}

/** The Python form of the signed object (the envelope's `data`, else the whole body), computed once per parse. */
function pythonFormOf(parsed: ParsedTree, signed: JsonNode): string {
  parsed.python ??= serialiseAs(signed, 'python');
  return parsed.python;
}

/** Serialisations of `data` a sender may have signed, most likely first; computed one at a time, only if needed. */
function* signedForms(parsed: ParsedTree, envelope: Envelope): Generator<string> {
  yield pythonFormOf(parsed, envelope.data);
  for (const form of canonicalForms) if (form !== 'python') yield serialiseAs(envelope.data, form);
  yield envelope.rawData;
}

/** Every secret is tried (no early exit), so the timing does not show which one matched (crypto/hmac.ts). */
function matchesAnySecret(message: Buffer | string, provided: Buffer, secrets: readonly string[]): boolean {
  return anyDigestMatches(
    secrets.map((secret) => hmacSha256(secret, message)),
    [provided],
  );
}

/** Verifies either signing style; returns the parsed body normalise reads (parsed once, the tree that was checked). */
function verify(request: RawRequest, trust: Trust): ParsedBody {
  // An empty secret would let anyone sign (the provider's samples use "" as a placeholder): never trust it.
  const secrets = usableSecrets(trust.secrets);
  const header = request.headers['x-webhook-signature'];
  const headerDigests = headerCandidates(header)
    .map(decodeDigest)
    .filter((digest): digest is Buffer => digest !== undefined);
  for (const digest of headerDigests) {
    // Header-signed: the whole body is what was signed, even if it happens to look like an envelope.
    if (matchesAnySecret(request.body, digest, secrets)) return { ...parseBody(request.body), envelope: undefined };
  }

  const parsed = parseBody(request.body);
  const envelopeDigest = parsed.envelope ? decodeDigest(parsed.envelope.signature) : undefined;
  // Checks parsed.envelope itself (not a copy) so the compiler knows the body parsed.
  if (parsed.envelope && envelopeDigest) {
    for (const message of signedForms(parsed, parsed.envelope)) {
      if (matchesAnySecret(message, envelopeDigest, secrets)) {
        return parsed;
      }
    }
  }

  const headerPresent = header !== undefined && header.trim() !== '';
  if (!headerPresent && !parsed.envelope)
    throw new SignatureError('missing_signature', 'Missing signature: neither X-Webhook-Signature nor a signed {"data", "signature"} body');
  if (headerDigests.length === 0 && !envelopeDigest) {
    throw new SignatureError('malformed_signature', 'Malformed signature: expected an HMAC-SHA256 digest as hex or base64');
  }
  throw new SignatureError('invalid_signature', 'Invalid signature', { secrets: secrets.length, style: headerDigests.length > 0 ? 'header' : 'envelope' });
}

const ContentorPayloadSchema = z.looseObject({
  uuid: requiredString().check(z.minLength(1, 'must not be empty')),
  status: requiredString(),
  // Checked after parsing, where it is normalised anyway (once per event rather than twice: npm run bench, cpu).
  timestamp: requiredString(),
});

/**
 * The signed object's top-level members as the schema and detailsOf read them: they read strings only, so a string
 * is its value and any other member (number, true/false/null, array, object) stays its parse node, which is not a
 * string. Nothing nested is copied (the payload is kept as the raw body), so nothing depends on depth or number
 * precision. fromEntries makes own properties, `__proto__` too, and keeps a repeated key's last value, as memberOf.
 */
function topLevelOf(node: JsonObjectNode): Record<string, unknown> {
  return Object.fromEntries(node.members.map((member) => [member.key, member.value.kind === 'string' ? member.value.value : member.value]));
}

/** UTF-8 byte offset of a UTF-16 offset into the decoded body (the BOM the decoder dropped counted back in). */
function byteOffset(text: string, index: number, bomBytes: number): number {
  return bomBytes + Buffer.byteLength(text.slice(0, index), 'utf8');
}

/**
 * A header-signed body our parser did not read. One nested deeper than it goes (lambda/core/json/parse.ts
 * MAX_JSON_DEPTH; CPython's own limit is lower, so no envelope is ever that deep) is still a delivery: JSON.parse,
 * which has no depth limit, reads its top level, and its raw bytes identify it. Any other is refused as the other
 * providers refuse it (not UTF-8, not JSON).
 */
function normaliseUnparsedBody(request: RawRequest): NormalisedEvent {
  const root = parseJsonObjectBody(request.body);
  return toEvent(request.body, root, wholeBodySpan(request.body), hash('sha256', Buffer.concat([Buffer.from('contentor-raw\n'), request.body]), 'hex'));
}

function toEvent(body: Uint8Array, top: Record<string, unknown>, payloadSpan: { start: number; end: number }, contentHash: string): NormalisedEvent {
  const payload = parsePayload(ContentorPayloadSchema, top);
  const uuid = checkId('uuid', payload.uuid);
  const eventType = checkEventType('status', payload.status);
  const occurredAt = normaliseIsoTimestamp(payload.timestamp);
  if (occurredAt === undefined) throw new ValidationError('timestamp: not an ISO-8601 date-time');
  const details = detailsOf((key) => (Object.hasOwn(top, key) ? top[key] : undefined));
  return {
    provider: 'contentor',
    jobId: uuid,
    partitionId: uuid,
    status: lookupStatus(contentorStatuses, eventType, 'unknown'),
    eventType,
    occurredAt,
    body,
    payloadSpan,
    ...(details ? { details } : {}),
    contentHash,
    ordering: 'provider-timestamp',
    rank: lookupStatus(stageRanks, eventType, 0),
  };
}

function normalise(request: RawRequest, parsed: ParsedBody): NormalisedEvent {
  if (!parsed.root) return normaliseUnparsedBody(request);
  const { root, envelope } = parsed;
  if (root.kind !== 'object') throw new ValidationError('body: expected a JSON object');
  const signed = envelope ? envelope.data : root;
  const bom = wholeBodySpan(request.body).start;
  const span = envelope
    ? { start: byteOffset(parsed.text, envelope.dataStart, bom), end: byteOffset(parsed.text, envelope.dataEnd, bom) }
    : wholeBodySpan(request.body);
  return toEvent(request.body, topLevelOf(signed), span, hash('sha256', `contentor\n${pythonFormOf(parsed, signed)}`, 'hex'));
}

/** How a Contentor header signature is written: hex, base64, or GitHub-style `sha256=<hex>`. */
export type ContentorHeaderStyle = 'hex' | 'base64' | 'sha256=hex';
export const contentorHeaderStyles: readonly ContentorHeaderStyle[] = ['hex', 'base64', 'sha256=hex'];

/** `X-Webhook-Signature` value: HMAC-SHA256(secret, raw body), written in `style`. */
export function contentorHeaderSignature(body: string | Uint8Array, signer: Signer, style: ContentorHeaderStyle = 'hex'): string {
  const digest = signer.hmac('sha256', body);
  if (style === 'base64') return digest.toString('base64');
  return (style === 'sha256=hex' ? 'sha256=' : '') + digest.toString('hex');
}

/** What an envelope signature is computed over: a canonical form of `data`, or `data` exactly as sent. */
export type ContentorEnvelopeForm = CanonicalForm | 'as-sent';

/**
 * A Contentor envelope body `{"data": <data>, "signature": "<base64 HMAC>"}`. `data` is JSON text (sent exactly as
 * given) or a value (sent as `JSON.stringify`). The signature is over `form` of that text, Python's
 * `json.dumps(data, sort_keys=True)` by default, as the provider's samples sign.
 */
export function contentorEnvelopeWith(data: string | Record<string, unknown>, signer: Signer, form: ContentorEnvelopeForm = 'python'): string {
  const dataText = typeof data === 'string' ? data : JSON.stringify(data);
  const signed = form === 'as-sent' ? dataText : serialiseAs(parseJson(dataText), form);
  const signature = signer.hmac('sha256', signed).toString('base64');
  return `{"data": ${dataText}, "signature": ${JSON.stringify(signature)}}`;
}

/** `send` styles: the three header forms, or the signed envelope. */
const sendStyles = [...contentorHeaderStyles.map((style) => `header-${style}`), 'envelope'];

const sender: SampleSender = {
  eventNoun: 'status',
  options: { uuid: { help: 'job uuid (default: a new one)' }, timestamp: { help: 'event time, ISO (default: now)' } },
  styles: sendStyles,
  sample(status, values, signer, style): SampleDelivery {
    const uuid = values.uuid ?? randomUUID();
    const data = { uuid, status, timestamp: values.timestamp ?? new Date().toISOString() };
    if (style === 'envelope') return { headers: { 'content-type': 'application/json' }, body: contentorEnvelopeWith(data, signer), job: [uuid] };
    const body = JSON.stringify(data);
    const headerStyle = style.replace(/^header-/, '') as ContentorHeaderStyle;
    return { headers: { 'content-type': 'application/json', 'x-webhook-signature': contentorHeaderSignature(body, signer, headerStyle) }, body, job: [uuid] };
  },
};

/** The Contentor provider module. */
export const contentor: ProviderModule<ParsedBody> = {
  name: 'contentor',
  label: 'Contentor',
  trust: { kind: 'secrets', localEnvName: 'CONTENTOR_WEBHOOK_SECRETS', outputName: 'ContentorSecretArn' },
  // The envelope form carries its signature in the body, which is kept whole.
  signatureHeaders: ['x-webhook-signature'],
  verify,
  normalise,
  ...tableLifecycle(contentorStatuses, stageRanks),
  defaultStallDeadlines,
  naming,
  describe: describeFrom('Contentor', naming, statusWords),
  sender,
};
