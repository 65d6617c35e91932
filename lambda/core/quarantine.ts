/**
 * Quarantine of refused deliveries (docs/ARCHITECTURE.md "HTTP contract"): what is kept of a delivery answered 401
 * or 400 so an operator can verify it again later (`npm run replay`), and the bounds that keep junk from running up
 * the bill.
 * Pure: the DynamoDB side is lambda/adapters/dynamo-quarantine-store.ts.
 */
import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import './zod-locale';
import type { WebhookError } from './errors';
import type { RawRequest } from './providers/provider';
import { itemTypes, keys, tableSchema } from '../contracts';

/** Defaults shared by the deploy configuration, the receiver's environment and the replay tool. */
export const QUARANTINE_DEFAULTS = {
  /** Days a quarantined delivery is kept before TTL removes it. */
  retentionDays: 14,
  /** Deliveries kept per provider route and UTC hour; past it they are only counted (docs/SECURITY.md: cost). */
  hourlyCap: 100,
} as const;

/** Only refusals a configuration or code fix can turn into acceptance: 401 (signature) and 400 (payload). */
export function isQuarantinable(error: WebhookError): boolean {
  return error.httpStatus === 401 || error.httpStatus === 400;
}

/**
 * Kept from every refused delivery: the content type. Beside it, only the headers the provider's verifier reads
 * (each module's `signatureHeaders`, passed as `extraNames`), and nothing else: no cookies, client addresses or
 * tracing ids.
 */
export const keptHeaderNames = ['content-type'] as const;

/** A longer value is no signature any provider sends; dropping it bounds the item (its replay fails as before). */
export const MAX_KEPT_HEADER_CHARS = 4096;

/**
 * The allow-listed headers of a request (names already lower-cased by `normaliseHeaders`). `extraNames` lets a
 * provider declared by configuration add its own signature header (lower-case).
 */
export function keptHeaders(headers: Readonly<Record<string, string>>, extraNames: readonly string[] = []): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of [...keptHeaderNames, ...extraNames]) {
    const value = Object.hasOwn(headers, name) ? headers[name] : undefined;
    if (value !== undefined && value.length <= MAX_KEPT_HEADER_CHARS) kept[name] = value;
  }
  return kept;
}

/**
 * Identity of a delivery's content: provider route, kept headers (sorted) and body bytes, length-prefixed so no two
 * different deliveries frame the same. Identical junk sent again gets the same id and is stored once.
 */
export function deliveryIdOf(provider: string, headers: Readonly<Record<string, string>>, body: Uint8Array): string {
  const hash = createHash('sha256');
  const field = (bytes: Uint8Array) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    hash.update(length).update(bytes);
  };
  field(Buffer.from(provider, 'utf8'));
  for (const name of Object.keys(headers).sort()) {
    field(Buffer.from(name, 'utf8'));
    field(Buffer.from(headers[name] ?? '', 'utf8'));
  }
  field(body);
  // 128 bits: collisions are out of reach, and the sort key stays short.
  return hash.digest('hex').slice(0, 32);
}

/** UTC day (the partition) and hour (the cap's counter) of an ISO time. */
export function quarantineBuckets(receivedAt: string): { day: string; hour: string } {
  const iso = new Date(receivedAt).toISOString();
  return { day: iso.slice(0, 10), hour: iso.slice(0, 13) };
}

/** Every UTC day from `fromIso` to `toIso`, both included, newest first (the partitions a listing reads). */
export function quarantineDays(fromIso: string, toIso: string): string[] {
  const days: string[] = [];
  const first = Date.parse(`${quarantineBuckets(fromIso).day}T00:00:00.000Z`);
  for (let t = Date.parse(`${quarantineBuckets(toIso).day}T00:00:00.000Z`); t >= first; t -= 86_400_000) {
    days.push(new Date(t).toISOString().slice(0, 10));
  }
  return days;
}

/** TTL value (epoch seconds) of an item received at `receivedAt`. */
export function expiresAtFor(receivedAt: string, retentionDays: number): number {
  return Math.floor(Date.parse(receivedAt) / 1000) + retentionDays * 86_400;
}

/** Past the cap a delivery is only counted: `count` is the hour's counter after this delivery was added. */
export function isOverCap(count: number, hourlyCap: number): boolean {
  return count > hourlyCap;
}

/** What is kept of one refused delivery. */
export interface QuarantineRecord {
  /** The provider route the delivery came in on (`POST /webhooks/<provider>`). */
  readonly provider: string;
  readonly deliveryId: string;
  /** The WebhookError reason code, e.g. `invalid_signature`, `invalid_payload`. */
  readonly reason: string;
  readonly httpStatus: number;
  /** The answer's text (already returned to the caller, so safe to keep): e.g. the failing field. */
  readonly detail: string;
  readonly receivedAt: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The exact bytes received, after undoing API Gateway's base64. */
  readonly body: Uint8Array;
}

/** The record to keep for a refused delivery, or undefined when the refusal is not one that is quarantined. */
export function quarantineRecordFor(input: {
  readonly provider: string;
  readonly error: WebhookError;
  readonly request: RawRequest;
  readonly receivedAt: string;
  readonly extraHeaderNames?: readonly string[];
}): QuarantineRecord | undefined {
  if (!isQuarantinable(input.error)) return undefined;
  const headers = keptHeaders(input.request.headers, input.extraHeaderNames);
  return {
    provider: input.provider,
    deliveryId: deliveryIdOf(input.provider, headers, input.request.body),
    reason: input.error.reason,
    httpStatus: input.error.httpStatus,
    detail: input.error.message,
    receivedAt: input.receivedAt,
    headers,
    body: input.request.body,
  };
}

/** The table item of a record (keys from lambda/contracts/table.ts). */
export function quarantineItemFor(record: QuarantineRecord, retentionDays: number) {
  const { day } = quarantineBuckets(record.receivedAt);
  return {
    [tableSchema.partitionKey]: keys.quarantinePartition(record.provider, day),
    [tableSchema.sortKey]: keys.quarantineDelivery(record.deliveryId),
    itemType: itemTypes.quarantine,
    provider: record.provider,
    deliveryId: record.deliveryId,
    reason: record.reason,
    httpStatus: record.httpStatus,
    detail: record.detail,
    receivedAt: record.receivedAt,
    headers: { ...record.headers },
    body: record.body,
    bodyBytes: record.body.length,
    [tableSchema.ttlAttribute]: expiresAtFor(record.receivedAt, retentionDays),
  };
}

/** A quarantine item as read back (the listing reads it without `body`). */
export const QuarantineItemSchema = z.object({
  pk: z.string(),
  sk: z.string(),
  itemType: z.literal(itemTypes.quarantine),
  provider: z.string(),
  deliveryId: z.string(),
  reason: z.string(),
  httpStatus: z.number(),
  detail: z.optional(z.string()),
  receivedAt: z.string(),
  headers: z.record(z.string(), z.string()),
  body: z.optional(z.custom<Uint8Array>((value) => value instanceof Uint8Array)),
  bodyBytes: z.number(),
  expiresAt: z.number(),
});
export type QuarantineItem = z.infer<typeof QuarantineItemSchema>;

/** What became of one refused delivery: kept, already kept (identical), or only counted (past the hourly cap). */
export type QuarantineOutcome = 'stored' | 'duplicate' | 'capped';

/** Where the receiver keeps refused deliveries. */
export interface QuarantineSink {
  /** Throws on a storage failure; the caller logs it and answers the provider as it would have anyway. */
  keep(record: QuarantineRecord): Promise<QuarantineOutcome>;
}
