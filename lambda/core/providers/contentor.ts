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
import { CanonicalJsonError, decodeJsonText, JsonTooDeepError, memberOf, parseJson, type JsonNode } from '../json/parse';
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
  readonly data: JsonNode;
  /** `data` exactly as it appears in the body. */
  readonly rawData: string;
  /** Where `rawData` lies in the decoded text (UTF-16 offsets). */
  readonly dataStart: number;
  readonly dataEnd: number;
  readonly signature: string;
}

/** One body parsed: its tree (undefined when it is not JSON), its envelope parts, and the signed object's Python form. */
interface ParsedBody {
  readonly root: JsonNode | undefined;
  /** The decoded text ('' when it was not UTF-8). */
  readonly text: string;
  /** Not parsed only because it nests deeper than our parser goes (JSON.parse may still read it). */
  readonly tooDeep: boolean;
  readonly envelope: Envelope | undefined;
  /** `serialiseAs(signed, 'python')`, computed at most once: the envelope check and the content hash both need it. */
  python: string | undefined;
}

function parseBody(body: Buffer): ParsedBody {
  let text = '';
  let root: JsonNode;
  try {
    text = decodeJsonText(body);
    root = parseJson(text);
  } catch (error) {
    if (error instanceof CanonicalJsonError)
      return { root: undefined, text, tooDeep: error instanceof JsonTooDeepError, envelope: undefined, python: undefined };
    throw error;
  }
  return { root, text, tooDeep: false, envelope: envelopeOf(root, text), python: undefined };
}

function envelopeOf(root: JsonNode, text: string): Envelope | undefined {
  const data = memberOf(root, 'data');
  const signature = memberOf(root, 'signature');
  if (data?.value.kind !== 'object' || signature?.value.kind !== 'string') return undefined;
  // Offsets index the decoded text; slicing the text keeps multi-byte characters whole.
  return { data: data.value, rawData: text.slice(data.start, data.end), dataStart: data.start, dataEnd: data.end, signature: signature.value.value };
}

/** The Python form of the signed object (the envelope's `data`, else the whole body), computed once per parse. */
function pythonFormOf(parsed: ParsedBody, signed: JsonNode): string {
  parsed.python ??= serialiseAs(signed, 'python');
  return parsed.python;
}

/** Serialisations of `data` a sender may have signed, most likely first; computed one at a time, only if needed. */
function* signedForms(parsed: ParsedBody, envelope: Envelope): Generator<string> {
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
  const envelope = parsed.envelope;
  const envelopeDigest = envelope ? decodeDigest(envelope.signature) : undefined;
  if (envelope && envelopeDigest) {
    for (const message of signedForms(parsed, envelope)) {
      if (matchesAnySecret(message, envelopeDigest, secrets)) {
        return parsed;
      }
    }
  }

  const headerPresent = header !== undefined && header.trim() !== '';
  if (!headerPresent && !envelope)
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
 * The signed object's top-level members as plain values, enough for the schema: nested values are never copied
 * (the payload is kept as the raw body, not as a tree), so nothing here depends on depth or number precision.
 */
function topLevelOf(node: JsonNode & { kind: 'object' }): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const member of node.members) {
    const value = member.value;
    const plain =
      value.kind === 'string'
        ? value.value
        : value.kind === 'number'
          ? Number(value.lexeme)
          : value.kind === 'literal'
            ? value.value
            : value.kind === 'array'
              ? []
              : {};
    // Own property even for `__proto__` (assignment would set the prototype instead).
    Object.defineProperty(out, member.key, { value: plain, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** UTF-8 byte offset of a UTF-16 offset into the decoded body (the BOM the decoder dropped counted back in). */
function byteOffset(text: string, index: number, bomBytes: number): number {
  return bomBytes + Buffer.byteLength(text.slice(0, index), 'utf8');
}

/**
 * Bodies nested deeper than our parser goes (lambda/core/json/parse.ts MAX_JSON_DEPTH; CPython's own limit is
 * lower, so no envelope is ever that deep) can still be header-signed: read their top level with JSON.parse, which
 * has no depth limit, and identify them by their raw bytes.
 */
function normaliseDeepBody(request: RawRequest): NormalisedEvent {
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
  const { root, envelope } = parsed;
  if (!root) {
    if (parsed.tooDeep) return normaliseDeepBody(request);
    throw new ValidationError('body: not valid JSON');
  }
  if (root.kind !== 'object') throw new ValidationError('body: expected a JSON object');
  const signed = envelope ? envelope.data : root;
  if (signed.kind !== 'object') throw new ValidationError('data: expected a JSON object');
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
