/**
 * The payload's fidelity properties, through real components only: receiver (local API Gateway adapter → handler →
 * DynamoEventStore on DynamoDB Local) → the table's real stream → stream poller → fan-out handler → SNS (fauxqs) →
 * a subscribed SQS queue (test/helpers/pipeline-harness.ts). The JSON payload TEXT is generated here, not by
 * JSON.stringify, so its lexical forms are ours to choose: integers past 2^53, floats in every notation, `{}`/`[]` at
 * any depth, nesting as deep as the body limit allows (over 100,000 levels header-signed, under 1000 in an envelope),
 * keys `""`, `__proto__`, `constructor`, 70,000-character and duplicate keys, raw astral characters, surrogate-pair
 * escapes and lone-surrogate escapes. Each delivery is signed as the
 * provider signs: Panjaya ES256 over the body, Contentor HMAC in the header (hex, base64, `sha256=`) or in the
 * envelope `{"data", "signature"}`, whose signature CPython computes over `json.dumps(data, sort_keys=True)`
 * (independently of lambda/core/json/canonical-forms.ts). Overlapping Panjaya retries are test/integration/event-store.test.ts's.
 */
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { MAX_ID_BYTES } from '../../lambda/core/providers/ids';
import { cpythonSortedDumps, pipelineHarness, type PipelineHarness } from '../helpers/pipeline-harness';
import { CONTENTOR_SECRET } from '../helpers/receiver-harness';
import { contentorHeaderStyles, panjayaSignatureEncodings, signContentorHeader, signPanjaya } from '../helpers/signing';

const MAX_BODY = 256 * 1024;
const RUNS = Number(process.env.PAYLOAD_RUNS ?? 30);
/** Our parser's depth limit is 1000 (lambda/core/json/parse.ts); an envelope's extra member sits 2 levels down. */
const ENVELOPE_MAX_WRAP = 950;
/** Header-signed bodies have no parser limit: their nesting goes as deep as the body limit allows. */
const MAX_HEADER_DEPTH = 120_000;
/** Escaped bytes the deepest nesting of one payload may take (below {@link FITS_SNS_ESCAPED_BYTES}). */
const DEEP_BUDGET_BYTES = 230_000;
/**
 * The property's domain: payloads whose notification fits one SNS message (262,144 bytes, with the payload escaped
 * once inside the MessageStructure json and the e-mail and Slack texts beside it). Larger ones are sent with
 * `payloadOmitted` by design (lambda/core/notification/build.ts; test/unit/notification.test.ts).
 */
const FITS_SNS_ESCAPED_BYTES = 250_000;
const fitsOneSnsMessage = (d: { payloadText: string }) => Buffer.byteLength(JSON.stringify(d.payloadText), 'utf8') <= FITS_SNS_ESCAPED_BYTES;

// ---------------------------------------------------------------------------------------------------------------
// JSON text, generated lexically.

const ws = fc.constantFrom('', '', ' ', '\n', '\t', '\r\n  ');
const hex4 = (unit: number, upper: boolean) => {
  const digits = unit.toString(16).padStart(4, '0');
  return `\\u${upper ? digits.toUpperCase() : digits}`;
};

/** A known string as a JSON literal, each character raw or `\u`-escaped (astral ones as a surrogate-pair escaped). */
function encodeString(value: string, escapeMask: readonly boolean[]): string {
  let out = '';
  let i = 0;
  for (const ch of value) {
    const escaped = escapeMask.length > 0 && escapeMask[i++ % escapeMask.length] === true;
    const unit = ch.charCodeAt(0);
    if (ch === '"' || ch === '\\' || unit < 0x20 || (ch.length === 1 && unit >= 0xd800 && unit <= 0xdfff) || escaped) {
      for (let k = 0; k < ch.length; k++) out += hex4(ch.charCodeAt(k), i % 2 === 0);
    } else {
      out += ch;
    }
  }
  return `"${out}"`;
}

const RAW_CHARS = ['a', 'Z', '0', ' ', '~', '<', '&', "'", 'é', '中', '\u00a0', 'ｆ', '\ue000', '\ufffd', '\u2028', '😀', '𝄞', '\u{10fffd}'];
const ESCAPES = [
  '\\"',
  '\\\\',
  '\\/',
  '\\b',
  '\\f',
  '\\n',
  '\\r',
  '\\t',
  '\\u0000',
  '\\u001F',
  '\\u007f',
  '\\u00E9',
  // Surrogate pairs as escapes, and lone halves: valid JSON text, whatever a stricter Unicode reader thinks.
  '\\uD83D\\uDE00',
  '\\ud834\\udd1e',
  '\\ud800',
  '\\uDBFF',
  '\\udfff',
  '\\uDC00\\uD800',
  '\\ud83dx',
  '\\uFEFF',
  '\\uffff',
];
const printable = fc.string({
  unit: fc
    .integer({ min: 0x20, max: 0x7e })
    .filter((c) => c !== 0x22 && c !== 0x5c)
    .map((c) => String.fromCharCode(c)),
  maxLength: 8,
});
const stringPiece = fc.oneof(
  fc.constantFrom(...RAW_CHARS),
  fc.constantFrom(...ESCAPES),
  fc.tuple(fc.integer({ min: 0, max: 0xffff }), fc.boolean()).map(([u, up]) => hex4(u, up)),
  printable,
);
const stringLiteral = fc.array(stringPiece, { maxLength: 8 }).map((pieces) => `"${pieces.join('')}"`);

const NUMBER_LEXEMES = [
  '0',
  '-0',
  '9007199254740993',
  '-9007199254740993',
  '18446744073709551617',
  '1000000000000000000000000000000',
  '-1000000000000000000000000000000',
  '1.0',
  '-1.0',
  '1e16',
  '1E+2',
  '-0.0',
  '1.5e-7',
  '2.5E-007',
  '1e400',
  '-1E400',
  '5e-324',
  '0.1',
  '1e-05',
  '123456789012345678901234567890.5',
  '1.7976931348623157e308',
];
/** Any JSON number grammar allows: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`. */
const numberLiteral = fc.oneof(
  fc.constantFrom(...NUMBER_LEXEMES),
  fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }).map(String),
  fc
    .record({
      minus: fc.boolean(),
      int: fc.oneof(
        fc.constant('0'),
        fc.tuple(fc.integer({ min: 1, max: 9 }), fc.string({ unit: fc.constantFrom(...'0123456789'), maxLength: 30 })).map(([d, r]) => `${d}${r}`),
      ),
      frac: fc.option(fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 1, maxLength: 20 }), { nil: undefined }),
      exp: fc.option(
        fc.tuple(fc.constantFrom('e', 'E'), fc.constantFrom('', '+', '-'), fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 1, maxLength: 3 })),
        { nil: undefined },
      ),
    })
    .map(({ minus, int, frac, exp }) => `${minus ? '-' : ''}${int}${frac === undefined ? '' : `.${frac}`}${exp === undefined ? '' : exp.join('')}`),
);

const SPECIAL_KEYS = ['""', '"__proto__"', '"\\u005f_proto__"', '"constructor"', '"prototype"', '"toString"', '"hasOwnProperty"', '"a"', '"a"', '"b"'];
const keyLiteral = fc.oneof(stringLiteral, fc.constantFrom(...SPECIAL_KEYS));

/** A JSON value as text; small, but with every kind of leaf and empty containers wherever they fall. */
const valueText: fc.Arbitrary<string> = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    stringLiteral,
    numberLiteral,
    fc.constantFrom('true', 'false', 'null', '{}', '[]', '[{}]', '{"":{}}', '[[[]]]'),
    fc.tuple(ws, fc.array(tie('value'), { maxLength: 4 })).map(([w, items]) => `[${w}${items.join(`${w},${w}`)}${w}]`),
    fc.tuple(ws, fc.array(fc.tuple(keyLiteral, tie('value')), { maxLength: 4 }), fc.boolean()).map(([w, members, dup]) => {
      // A duplicate of the first key, with another value: the text keeps both.
      const all = dup && members[0] ? [...members, [members[0][0], '{}'] as const] : members;
      return `{${w}${all.map(([k, v]) => `${k}${w}:${w}${v}`).join(`,${w}`)}${w}}`;
    }),
  ),
})).value;

/** One level of nesting around a value: the opener and its closer. */
const LEVELS: ReadonlyArray<readonly [string, string]> = [
  ['[', ']'],
  ['{"":', '}'],
  ['{"__proto__":', '}'],
  ['{"k":', '}'],
  ['[{},', ']'],
  ['[[],', ',{}]'],
];
function nest(inner: string, depth: number, pattern: readonly number[]): string {
  const opens: string[] = [];
  const closes: string[] = [];
  for (let i = 0; i < depth; i++) {
    const [open, close] = LEVELS[pattern[i % pattern.length] ?? 0] ?? ['[', ']'];
    opens.push(open);
    closes.push(close);
  }
  return `${opens.join('')}${inner}${closes.reverse().join('')}`;
}

/**
 * An extra member's value, maybe nested deep. `maxDepth` keeps the envelope form within its parser limit. Specs stay
 * small and are expanded at build time, so a failing counterexample prints as a few lines, not as 70 KB of text.
 */
const deepValue = (maxDepth: number) =>
  fc.record({
    depth: fc.oneof(
      { weight: 6, arbitrary: fc.constant(0) },
      { weight: 3, arbitrary: fc.integer({ min: 1, max: 40 }) },
      { weight: 2, arbitrary: fc.integer({ min: 30, max: Math.min(maxDepth, ENVELOPE_MAX_WRAP) }) },
      { weight: maxDepth > ENVELOPE_MAX_WRAP ? 2 : 0, arbitrary: fc.integer({ min: ENVELOPE_MAX_WRAP, max: 5000 }) },
    ),
    /** Header-signed forms only, rarely: nest as deep as this percentage of {@link DEEP_BUDGET_BYTES} allows. */
    fill:
      maxDepth > 5000
        ? fc.oneof({ weight: 10, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.integer({ min: 10, max: 100 }) })
        : fc.constant(undefined),
    pattern: fc.array(fc.nat(LEVELS.length - 1), { minLength: 1, maxLength: 3 }),
    inner: valueText,
  });

/** Bytes a level of `pattern` takes once escaped inside the SNS message (quotes double). */
function levelBytes(pattern: readonly number[]): number {
  const levels = pattern.map((i) => LEVELS[i] ?? ['[', ']']);
  return levels.reduce((n, [open, close]) => n + JSON.stringify(open + close).length - 2, 0) / Math.max(1, levels.length);
}
const depthOf = (value: { depth: number; fill: number | undefined; pattern: readonly number[] }) =>
  value.fill === undefined ? value.depth : Math.floor(((value.fill / 100) * DEEP_BUDGET_BYTES) / levelBytes(value.pattern));

/** 70,000-character keys, one ASCII and one two bytes a character; rare (each is large). */
const LONG_KEYS = [`"${'k'.repeat(70_000)}"`, `"${'é'.repeat(70_000)}"`];

/**
 * Top-level keys the provider schemas read: extras never use them, so the generated ids and statuses stand. `data`
 * with `signature` would make a header-signed Contentor body read as an envelope (providers/contentor.ts normalises
 * by the body's shape, not by the form that verified): a known limit, kept out of this property's domain.
 */
const RESERVED = new Set(['event', 'event_type', 'asset_id', 'version_id', 'version_locale', 'uuid', 'status', 'timestamp', 'data', 'signature']);
const isReserved = (keyText: string) => {
  try {
    return RESERVED.has(JSON.parse(keyText) as string);
  } catch {
    return true;
  }
};

/** Extra top-level members. */
const extras = (maxDepth: number) =>
  fc.record({
    members: fc.array(fc.record({ key: keyLiteral.filter((k) => !isReserved(k)), value: deepValue(maxDepth), w: ws }), { maxLength: 5 }),
    longKey: fc.oneof({ weight: 12, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.nat(LONG_KEYS.length - 1) }),
    longValue: valueText,
  });
type ExtrasSpec = typeof extras extends (n: number) => fc.Arbitrary<infer T> ? T : never;

/** The extras as `key: value` member texts. */
function extrasText(spec: ExtrasSpec): string[] {
  const members = spec.members.map(({ key, value, w }) => `${key}${w}:${w}${nest(value.inner, depthOf(value), value.pattern)}`);
  return spec.longKey === undefined ? members : [...members, `${LONG_KEYS[spec.longKey] ?? '""'}:${spec.longValue}`];
}

// ---------------------------------------------------------------------------------------------------------------
// Ids and the provider bodies around the payload.

/** Characters an id may hold (no control characters, no unpaired surrogates); '/' is left out, it joins Panjaya ids. */
const ID_CHARS = ['a', 'Z', '0', '9', '-', '_', '.', ':', ' ', '~', '"', '\\', 'é', '中', 'ｆ', '\u2028', '😀', '𝄞'];
const idSpec = fc.record({
  chars: fc.array(fc.constantFrom(...ID_CHARS), { maxLength: 140 }),
  /** Fill up to exactly the bound: the longest id that must still be accepted. */
  atBound: fc.boolean(),
  escapes: fc.array(fc.boolean(), { maxLength: 5 }),
});
type IdSpec = typeof idSpec extends fc.Arbitrary<infer T> ? T : never;

let serial = 0;
/** A valid id, unique to this delivery (a fresh prefix at send time, so shrinking never collides with earlier runs). */
function idFrom(spec: IdSpec): string {
  let id = `r${++serial}-`;
  for (const ch of spec.chars) {
    if (Buffer.byteLength(id + ch, 'utf8') > MAX_ID_BYTES) break;
    id += ch;
  }
  if (spec.atBound) id += 'x'.repeat(MAX_ID_BYTES - Buffer.byteLength(id, 'utf8'));
  return id;
}

/** Members in a generated order: each fixed member goes to a position chosen by `slots`. */
function interleave(fixed: readonly string[], rest: readonly string[], slots: readonly number[]): string[] {
  const out = [...rest];
  fixed.forEach((member, i) => {
    out.splice((slots[i] ?? 0) % (out.length + 1), 0, member);
  });
  return out;
}
const objectText = (members: readonly string[], w: string) => `{${w}${members.join(`,${w}`)}${w}}`;

const PANJAYA_TERMINAL = ['version_generated', 'version_failed', 'version_generate_failed', 'asset_failed'];
const PANJAYA_OTHER = ['version_generating', 'version_ready', 'version_archived'];
const CONTENTOR_TERMINAL = ['completed', 'failed'];
const CONTENTOR_OTHER = ['processing', 'downloading', 'queued'];
const STATUS_OF: Record<string, 'succeeded' | 'failed'> = { version_generated: 'succeeded', completed: 'succeeded' };

const shape = (maxDepth: number) =>
  fc.record({
    extras: extras(maxDepth),
    slots: fc.array(fc.nat(10), { minLength: 4, maxLength: 4 }),
    w: ws,
    around: fc.tuple(ws, ws),
    escapes: fc.array(fc.boolean(), { maxLength: 4 }),
    terminal: fc.boolean(),
    pick: fc.nat(),
  });

const panjayaSpec = fc.record({
  kind: fc.constant('panjaya' as const),
  shape: shape(MAX_HEADER_DEPTH),
  asset: idSpec,
  version: fc.oneof(idSpec, fc.constantFrom('absent' as const, 'null' as const, 'empty' as const)),
  encoding: fc.constantFrom(...panjayaSignatureEncodings),
});
const contentorSpec = fc.record({
  kind: fc.constantFrom('contentor-header' as const, 'contentor-envelope' as const),
  shape: shape(MAX_HEADER_DEPTH),
  envelopeShape: shape(ENVELOPE_MAX_WRAP),
  uuid: idSpec,
  timestamp: fc.record({
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.integer({ min: 1, max: 28 }),
    secs: fc.nat(86_399),
    frac: fc.constantFrom('', '.5', '.123', '.123456'),
  }),
  style: fc.constantFrom(...contentorHeaderStyles),
  signatureFirst: fc.boolean(),
});
const deliverySpec = fc.oneof(
  panjayaSpec,
  contentorSpec.map((spec) => ({ ...spec, kind: 'contentor-header' as const })),
  contentorSpec.map((spec) => ({ ...spec, kind: 'contentor-envelope' as const })),
);
type DeliverySpec = typeof deliverySpec extends fc.Arbitrary<infer T> ? T : never;

/** A built delivery and what its notification must say. */
interface Delivery {
  readonly provider: 'panjaya' | 'contentor';
  readonly body: Buffer;
  readonly headers: Record<string, string>;
  /** The signed JSON text the notification's `payload` must equal. */
  readonly payloadText: string;
  readonly jobId: string;
  readonly eventType: string;
  /** Undefined: not terminal, so no notification. */
  readonly status: 'succeeded' | 'failed' | undefined;
  readonly occurredAt?: string;
  /** The Contentor envelope's data before it is signed (CPython signs a whole run's in one process). */
  readonly envelope?: { readonly dataText: string; readonly w: string; readonly signatureFirst: boolean };
}

const choose = (list: readonly string[], n: number) => list[n % list.length] ?? '';

/** An id replaced by JSON string text of our choosing (property 4: ids past the bound). */
interface IdOverride {
  readonly field: 'asset_id' | 'version_id' | 'uuid';
  readonly text: string;
}

function panjayaDelivery(spec: Extract<DeliverySpec, { kind: 'panjaya' }>, privateKey: PipelineHarness['privateKey'], override?: IdOverride): Delivery {
  const { shape: s } = spec;
  const event = choose(s.terminal ? PANJAYA_TERMINAL : PANJAYA_OTHER, s.pick);
  const assetId = idFrom(spec.asset);
  const version = override?.field === 'version_id' && typeof spec.version === 'string' ? spec.asset : spec.version;
  const versionId = typeof version === 'string' ? undefined : idFrom(version);
  const idText = (field: IdOverride['field'], value: string, escapes: readonly boolean[]) =>
    override?.field === field ? override.text : encodeString(value, escapes);
  const key = (name: string) => encodeString(name, s.escapes.slice(1));
  const fixed = [`${key('event')}${s.w}:${s.w}${encodeString(event, s.escapes)}`, `${key('asset_id')}:${idText('asset_id', assetId, spec.asset.escapes)}`];
  if (typeof version !== 'string') fixed.push(`${key('version_id')}:${idText('version_id', versionId ?? '', version.escapes)}`);
  if (version === 'null') fixed.push('"version_id":null');
  if (version === 'empty') fixed.push('"version_id":""');
  const text = `${s.around[0]}${objectText(interleave(fixed, extrasText(s.extras), s.slots), s.w)}${s.around[1]}`;
  const body = Buffer.from(text, 'utf8');
  return {
    provider: 'panjaya',
    body,
    headers: { 'X-Signature': signPanjaya(body, privateKey, spec.encoding) },
    payloadText: text,
    jobId: versionId === undefined ? assetId : `${assetId}/${versionId}`,
    eventType: event,
    status: s.terminal ? (STATUS_OF[event] ?? 'failed') : undefined,
  };
}

function contentorDelivery(spec: Extract<DeliverySpec, { kind: 'contentor-header' | 'contentor-envelope' }>, override?: IdOverride): Delivery {
  const envelope = spec.kind === 'contentor-envelope';
  const s = envelope ? spec.envelopeShape : spec.shape;
  const status = choose(s.terminal ? CONTENTOR_TERMINAL : CONTENTOR_OTHER, s.pick);
  const uuid = idFrom(spec.uuid);
  const t = spec.timestamp;
  const clock = [Math.floor(t.secs / 3600), Math.floor(t.secs / 60) % 60, t.secs % 60].map((n) => String(n).padStart(2, '0')).join(':');
  const timestamp = `2026-${String(t.month).padStart(2, '0')}-${String(t.day).padStart(2, '0')}T${clock}${t.frac}Z`;
  const fixed = [
    `"uuid"${s.w}:${s.w}${override?.field === 'uuid' ? override.text : encodeString(uuid, spec.uuid.escapes)}`,
    `${encodeString('status', s.escapes.slice(2))}:${encodeString(status, s.escapes)}`,
    `"timestamp":${encodeString(timestamp, s.escapes.slice(1))}`,
  ];
  const dataText = objectText(interleave(fixed, extrasText(s.extras), s.slots), s.w);
  const common = {
    provider: 'contentor' as const,
    payloadText: dataText,
    jobId: uuid,
    eventType: status,
    status: s.terminal ? (STATUS_OF[status] ?? 'failed') : undefined,
    occurredAt: new Date(Date.UTC(2026, t.month - 1, t.day, 0, 0, t.secs, Math.floor(Number(`0${t.frac || '.0'}`) * 1000))).toISOString(),
  };
  if (envelope) return { ...common, body: Buffer.alloc(0), headers: {}, envelope: { dataText, w: s.w, signatureFirst: spec.signatureFirst } };
  const text = `${s.around[0]}${dataText}${s.around[1]}`;
  const body = Buffer.from(text, 'utf8');
  return { ...common, body, payloadText: text, headers: { 'X-Webhook-Signature': signContentorHeader(body, CONTENTOR_SECRET, spec.style) } };
}

/** Envelope bodies for data texts, each signed over CPython's `json.dumps(data, sort_keys=True)` (one python3 run). */
function envelopeBodies(envelopes: ReadonlyArray<NonNullable<Delivery['envelope']>>): Buffer[] {
  const python = cpythonSortedDumps(envelopes.map((e) => e.dataText));
  return envelopes.map(({ dataText, w, signatureFirst }, i) => {
    const signature = createHmac('sha256', CONTENTOR_SECRET)
      .update(python[i] ?? '', 'utf8')
      .digest('base64');
    const members = [`"data"${w}:${w}${dataText}`, `"signature":${w}"${signature}"`];
    return Buffer.from(objectText(signatureFirst ? members.reverse() : members, w), 'utf8');
  });
}

/** Builds a run's deliveries, the envelopes signed as Contentor signs them. */
function build(specs: ReadonlyArray<{ spec: DeliverySpec; override?: IdOverride }>, privateKey: PipelineHarness['privateKey']): Delivery[] {
  const built = specs.map(({ spec, override }) => (spec.kind === 'panjaya' ? panjayaDelivery(spec, privateKey, override) : contentorDelivery(spec, override)));
  const pending = built.filter((d) => d.envelope !== undefined);
  const bodies = envelopeBodies(pending.map((d) => d.envelope ?? { dataText: '', w: '', signatureFirst: false }));
  return built.map((d) => (d.envelope ? { ...d, body: bodies[pending.indexOf(d)] ?? d.body } : d));
}

// ---------------------------------------------------------------------------------------------------------------
// Reading notifications as text.

const PAYLOAD_MEMBER = '"payload":';

/** The document's fields and its `payload` member's raw text (JSON.parse would round big integers). */
function readDocument(text: string): { fields: Record<string, unknown>; payloadText: string } {
  const fields = JSON.parse(text) as Record<string, unknown>;
  const at = text.indexOf(PAYLOAD_MEMBER);
  expect(at).toBeGreaterThan(0);
  const rest = text.slice(at + PAYLOAD_MEMBER.length);
  // `payload` is the document's last member (lambda/core/notification/build.ts): what follows it is the closing brace.
  expect(rest.endsWith('}')).toBe(true);
  return { fields, payloadText: rest.slice(0, -1) };
}

function groupByEventId(documents: readonly string[]): Map<string, Array<ReturnType<typeof readDocument>>> {
  const byId = new Map<string, Array<ReturnType<typeof readDocument>>>();
  for (const text of documents) {
    const doc = readDocument(text);
    const id = String(doc.fields.eventId);
    byId.set(id, [...(byId.get(id) ?? []), doc]);
  }
  return byId;
}

const send = (h: PipelineHarness, d: Delivery) => h.post(d.provider, d.body, d.headers);

/** Short description of a delivery for failure messages (bodies can be 140 KB). */
const label = (d: Delivery) => `${d.provider} ${d.eventType} ${JSON.stringify(d.jobId).slice(0, 60)} (${d.body.length} bytes)`;

/** Every delivery notified as promised: one document per terminal event, with the signed text as its payload. */
function expectNotified(deliveries: readonly Delivery[], eventIds: readonly string[], documents: readonly string[]): void {
  const byId = groupByEventId(documents);
  deliveries.forEach((d, i) => {
    const docs = byId.get(eventIds[i] ?? '') ?? [];
    expect({ delivery: label(d), notifications: docs.length }).toEqual({ delivery: label(d), notifications: d.status === undefined ? 0 : 1 });
    const doc = docs[0];
    if (!doc) return;
    expect(doc.fields).toMatchObject({
      provider: d.provider,
      jobId: d.jobId,
      status: d.status,
      eventType: d.eventType,
      eventId: eventIds[i],
      ...(d.occurredAt ? { occurredAt: d.occurredAt } : {}),
    });
    // Text, not values: big integers, `1.0` vs `1`, duplicate keys and escapes must all arrive as signed.
    expect(
      doc.payloadText === d.payloadText
        ? 'payload equals the signed text'
        : { delivery: label(d), payloadText: doc.payloadText.slice(0, 300), signed: d.payloadText.slice(0, 300) },
    ).toBe('payload equals the signed text');
  });
  expect(documents.length).toBe(deliveries.filter((d) => d.status !== undefined).length);
}

// ---------------------------------------------------------------------------------------------------------------

/** Deepest nesting of a JSON text (strings skipped). */
function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
    } else if (c === '[' || c === '{') deepest = Math.max(deepest, ++depth);
    else if (c === ']' || c === '}') depth--;
  }
  return deepest;
}

/** What the runs covered, printed at the end (docs/RELIABILITY.md quotes such counts). */
const measured = {
  deliveries: 0,
  byForm: {} as Record<string, number>,
  notified: 0,
  largestBody: 0,
  deepest: { header: 0, envelope: 0 },
  containing: {} as Record<string, number>,
  crossFormCopies: 0,
};
/** Rough text markers (they may also match inside strings): enough to see the generator reaches each case. */
const MARKERS: Record<string, RegExp> = {
  integerPast2e53: /[^.\deE+-]-?\d{17,}(?![.\deE])/,
  exponent: /\d[eE][-+]?\d/,
  negativeZero: /-0\.0/,
  emptyObject: /\{\}/,
  emptyArray: /\[\]/,
  emptyKey: /""\s*:/,
  proto: /"__proto__"|\\u005f_proto__/,
  constructorKey: /"constructor"\s*:/,
  loneSurrogateEscape: /\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F])/,
  surrogatePairEscape: /\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F]/,
  rawAstral: /[\u{10000}-\u{10FFFF}]/u,
  longKey: /[ké]{70000}/,
};
function measure(d: Delivery): void {
  const form = d.provider === 'panjaya' ? 'panjaya' : d.envelope ? 'contentor-envelope' : 'contentor-header';
  measured.deliveries += 1;
  measured.byForm[form] = (measured.byForm[form] ?? 0) + 1;
  measured.largestBody = Math.max(measured.largestBody, d.body.length);
  const depth = nestingDepth(d.payloadText);
  if (d.envelope) measured.deepest.envelope = Math.max(measured.deepest.envelope, depth);
  else measured.deepest.header = Math.max(measured.deepest.header, depth);
  for (const [name, re] of Object.entries(MARKERS)) if (re.test(d.payloadText)) measured.containing[name] = (measured.containing[name] ?? 0) + 1;
}

describe('payload fidelity through receiver, stream, fan-out and SNS', () => {
  let h: PipelineHarness;
  beforeAll(async () => {
    h = await pipelineHarness({ maxBodyBytes: MAX_BODY });
  });
  afterAll(async () => {
    await h?.stop();
    process.stdout.write(`[property] payload fidelity: ${JSON.stringify(measured)}\n`);
  });

  it('accepts every signed delivery and notifies each terminal one once, its payload the exact signed JSON text', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(deliverySpec, { minLength: 1, maxLength: 5 }), async (specs) => {
        const deliveries = build(
          specs.map((spec) => ({ spec })),
          h.privateKey,
        );
        fc.pre(deliveries.every((d) => d.body.length <= MAX_BODY && fitsOneSnsMessage(d)));
        deliveries.forEach(measure);
        const responses = await Promise.all(deliveries.map((d) => send(h, d)));
        expect(responses.map((r, i) => ({ delivery: label(deliveries[i] as Delivery), status: r.status, outcome: r.json.status ?? r.json.error }))).toEqual(
          deliveries.map((d) => ({ delivery: label(d), status: 200, outcome: 'accepted' })),
        );
        const documents = await h.drain();
        expectNotified(
          deliveries,
          responses.map((r) => String(r.json.eventId)),
          documents,
        );
        expect(await h.deadLetters()).toEqual([]);
        measured.notified += documents.length;
      }),
      { numRuns: RUNS },
    );
  });

  it('answers copies of a delivery (same bytes) 200 duplicate with the same event id, and never notifies twice', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(deliverySpec, { minLength: 1, maxLength: 3 }), fc.integer({ min: 1, max: 3 }), async (specs, copies) => {
        const deliveries = build(
          specs.map((spec) => ({ spec })),
          h.privateKey,
        );
        fc.pre(deliveries.every((d) => d.body.length <= MAX_BODY && fitsOneSnsMessage(d)));
        const first = await Promise.all(deliveries.map((d) => send(h, d)));
        expect(first.map((r) => r.status)).toEqual(deliveries.map(() => 200));
        const eventIds = first.map((r) => String(r.json.eventId));
        const again = await Promise.all(deliveries.flatMap((d) => Array.from({ length: copies }, () => send(h, d))));
        expect(again.map((r) => [r.status, r.json.status, r.json.eventId])).toEqual(
          eventIds.flatMap((id) => Array.from({ length: copies }, () => [200, 'duplicate', id])),
        );
        expectNotified(deliveries, eventIds, await h.drain());
        // A copy after the notification went out is still the same event; so is a header-signed Contentor body sent
        // again in the envelope form (one content hash for both forms, lambda/core/providers/contentor.ts) while it
        // is shallow enough for an envelope.
        const crossForm = deliveries.flatMap((d, i) =>
          d.provider === 'contentor' && !d.envelope && nestingDepth(d.payloadText) < ENVELOPE_MAX_WRAP ? [{ i, dataText: d.payloadText.trim() }] : [],
        );
        const crossBodies = envelopeBodies(crossForm.map(({ dataText }) => ({ dataText, w: ' ', signatureFirst: false })));
        const late = await Promise.all([...deliveries.map((d) => send(h, d)), ...crossBodies.map((body) => h.post('contentor', body, {}))]);
        expect(late.map((r) => [r.status, r.json.status, r.json.eventId])).toEqual(
          [...eventIds, ...crossForm.map(({ i }) => eventIds[i])].map((id) => [200, 'duplicate', id]),
        );
        expect(await h.drain()).toEqual([]);
        measured.crossFormCopies += crossForm.length;
      }),
      { numRuns: Math.max(10, Math.floor(RUNS / 2)) },
    );
  });
});

describe('ids past the bound', () => {
  let h: PipelineHarness;
  beforeAll(async () => {
    h = await pipelineHarness({ maxBodyBytes: MAX_BODY });
  });
  afterAll(async () => {
    await h?.stop();
  });

  /** An id that can never be a key part, as its decoded value (written as JSON text by encodeString). */
  const badId = fc.oneof(
    // Past MAX_ID_BYTES in UTF-8 bytes: 'é', '中' and astral characters pass it at fewer characters and UTF-16 units.
    fc.tuple(fc.constantFrom('x', 'é', '中', '😀'), fc.integer({ min: MAX_ID_BYTES + 1, max: 3 * MAX_ID_BYTES })).map(([ch, bytes]) => ({
      problem: `longer than ${MAX_ID_BYTES} bytes`,
      value: ch.repeat(Math.ceil(bytes / Buffer.byteLength(ch, 'utf8'))),
    })),
    // C0 controls (always escaped: raw ones are not JSON), DEL and C1 (raw or escaped, as the mask says).
    fc
      .tuple(fc.constantFrom('\u0000', '\u0001', '\n', '\t', '\r', '\b', '\u001f', '\u007f', '\u0085', '\u009f'), idSpec, fc.nat())
      .map(([control, spec, at]) => {
        const chars = Array.from(idFrom(spec));
        chars.splice(at % (chars.length + 1), 0, control);
        return { problem: 'control character', value: chars.join('') };
      }),
    // An unpaired surrogate: JSON text can only carry one as an escaped (encodeString always escapes it).
    fc.tuple(fc.constantFrom('\ud800', '\udbff', '\udc00', '\udfff', '\ude00\ud83d', '\ud83d'), fc.boolean()).map(([surrogate, tail]) => ({
      problem: 'unpaired surrogate',
      value: `r${++serial}-${surrogate}${tail ? 'x' : ''}`,
    })),
  );
  const badCase = fc.oneof(
    fc.record({
      field: fc.constantFrom('asset_id' as const, 'version_id' as const),
      bad: badId,
      escapes: fc.array(fc.boolean(), { maxLength: 3 }),
      spec: panjayaSpec,
    }),
    fc.record({ field: fc.constant('uuid' as const), bad: badId, escapes: fc.array(fc.boolean(), { maxLength: 3 }), spec: contentorSpec }),
  );

  it('answers 400 naming the field and writes nothing, for both providers and every signature form', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(badCase, { minLength: 1, maxLength: 4 }), async (cases) => {
        const deliveries = build(
          cases.map(({ field, bad, escapes, spec }) => ({ spec, override: { field, text: encodeString(bad.value, escapes) } })),
          h.privateKey,
        );
        fc.pre(deliveries.every((d) => d.body.length <= MAX_BODY));
        // Counted per run, not "the table is empty": after a failure, shrinking must not blame every later run.
        const before = await h.itemCount();
        const responses = await Promise.all(deliveries.map((d) => send(h, d)));
        expect(
          responses.map((r, i) => ({ problem: cases[i]?.bad.problem, status: r.status, field: String(r.json.error ?? r.json.raw).split(':')[0] })),
        ).toEqual(cases.map((c) => ({ problem: c.bad.problem, status: 400, field: c.field })));
        // Nothing at all in the table: no event, no state, no half-written item.
        expect(await h.itemCount()).toBe(before);
      }),
      { numRuns: RUNS },
    );
    expect(await h.itemCount()).toBe(0);
    expect(await h.drain()).toEqual([]);
  });
});
