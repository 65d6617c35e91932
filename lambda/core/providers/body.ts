/** Helpers the provider modules share for turning a verified body into a validated payload. */
import * as z from 'zod/mini';
import { ValidationError } from '../errors';
import type { EventDetails } from '../model';
import { excerpt } from './ids';

/** A string field whose absence reads as "<field>: Required" rather than zod's generic type message. */
export function requiredString(): z.ZodMiniString {
  return z.string({ error: (issue) => (issue.input === undefined ? 'Required' : 'Expected a string') });
}

/** "<path>: <message>" for the first issue, e.g. `asset_id: Required`, so a 400 names the failing field. */
export function describeZodError(error: z.core.$ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'body: Invalid';
  const path = issue.path.length > 0 ? issue.path.map(String).join('.') : 'body';
  return `${path}: ${issue.message}`;
}

/** Parses a payload with a schema, throwing ValidationError that names the failing field. */
export function parsePayload<S extends z.ZodMiniType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationError(describeZodError(result.error));
  return result.data;
}

// One decoder for every call: a non-streaming decode keeps no state, and constructing one costs more than decoding.
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Strict UTF-8 decode of a body, as a ValidationError when it is not text. */
export function bodyText(body: Uint8Array): string {
  try {
    return STRICT_UTF8.decode(body);
  } catch {
    throw new ValidationError('body: not valid UTF-8');
  }
}

/** The body as a JSON object (not an array or scalar), or a ValidationError. */
export function parseJsonObjectBody(body: Uint8Array): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(bodyText(body));
  } catch (error) {
    if (error instanceof ValidationError) throw error;
    throw new ValidationError('body: not valid JSON');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new ValidationError('body: expected a JSON object');
  return value as Record<string, unknown>;
}

const UTF8_BOM = [0xef, 0xbb, 0xbf] as const;

/**
 * The byte span of a whole-body payload: all of it but a leading UTF-8 BOM, which the decoder drops (as
 * `json.loads(bytes)` does) and which would not be JSON where the payload text is spliced into a document.
 */
export function wholeBodySpan(body: Uint8Array): { start: number; end: number } {
  const bom = body.length >= 3 && body[0] === UTF8_BOM[0] && body[1] === UTF8_BOM[1] && body[2] === UTF8_BOM[2];
  return { start: bom ? 3 : 0, end: body.length };
}

/** Excerpts people see, from the payload's top-level members: a locale and the provider's own error message. */
export function detailsOf(member: (key: string) => unknown): EventDetails | undefined {
  const first = (...names: string[]) => {
    for (const name of names) {
      const text = excerpt(member(name));
      if (text !== undefined) return text;
    }
    return undefined;
  };
  const locale = first('version_locale', 'locale');
  const message = first('error_message', 'error', 'message', 'reason');
  if (locale === undefined && message === undefined) return undefined;
  return { ...(locale === undefined ? {} : { locale }), ...(message === undefined ? {} : { message }) };
}
