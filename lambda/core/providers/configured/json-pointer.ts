/**
 * RFC 6901 JSON Pointers over our own parse tree (lambda/core/json/parse.ts), not over `JSON.parse` values, so a
 * configured provider reads its fields the way the rest of the receiver reads a body: numbers keep their exact
 * lexeme (a 20-digit job id survives), and a duplicate key resolves to its last value, as `memberOf` decides.
 *
 * A pointer that resolves to nothing, or to `null`, is absent (Replicate's `completed_at` is null until the end).
 * Fields a provider's events are keyed or ordered by (job id, status, time, event id) are read with `scalarAt`:
 * a string is its value, a number is its lexeme exactly as written (`1.0` and `1` are different ids: the text is
 * what the provider sent, and rewriting it could merge two jobs); anything else (true/false, an object, an array,
 * NaN/Infinity) is a wrong type the caller turns into a 400 naming the field.
 */
import { memberOf, type JsonNode } from '../../json/parse';
import { ValidationError } from '../../errors';

/** A pointer checked and split once (at configuration time), evaluated per event. */
export interface JsonPointer {
  /** The pointer as configured, e.g. `/job/id`; for messages. */
  readonly text: string;
  /** Reference tokens with `~1` and `~0` already unescaped; empty for the whole document (`""`). */
  readonly tokens: readonly string[];
}

/** The pointer text is not an RFC 6901 JSON Pointer. */
export class JsonPointerSyntaxError extends Error {
  override readonly name = 'JsonPointerSyntaxError';
}

// A `~` must start `~0` or `~1` (RFC 6901 section 3); anything else is an error, not a literal tilde.
const BAD_ESCAPE_RE = /~(?![01])/;
// RFC 6901 section 4: an array index is `0` or digits without a leading zero. Bounded so Number() stays exact.
const ARRAY_INDEX_RE = /^(?:0|[1-9]\d{0,14})$/;

/** Checks and splits a pointer. Throws JsonPointerSyntaxError saying what is wrong and what a pointer looks like. */
export function compilePointer(text: string): JsonPointer {
  if (text === '') return { text, tokens: [] };
  if (!text.startsWith('/')) {
    throw new JsonPointerSyntaxError(`${JSON.stringify(text)} is not a JSON Pointer: it must start with "/", e.g. "/id" or "/job/id"`);
  }
  if (BAD_ESCAPE_RE.test(text)) {
    throw new JsonPointerSyntaxError(`${JSON.stringify(text)} is not a JSON Pointer: "~" must be written "~0", and "/" inside a key "~1"`);
  }
  // `~1` first, then `~0`: the RFC's order, so `~01` becomes `~1` and not `/`.
  const tokens = text
    .slice(1)
    .split('/')
    .map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'));
  return { text, tokens };
}

/** The node a pointer refers to; undefined when it refers to nothing or to `null`. */
export function resolvePointer(root: JsonNode, pointer: JsonPointer): JsonNode | undefined {
  let node: JsonNode | undefined = root;
  for (const token of pointer.tokens) {
    if (node.kind === 'object') node = memberOf(node, token)?.value;
    else if (node.kind === 'array') node = ARRAY_INDEX_RE.test(token) ? node.items[Number(token)] : undefined;
    else node = undefined;
    if (node === undefined) return undefined;
  }
  return node.kind === 'literal' && node.value === 'null' ? undefined : node;
}

/** What a scalar field read found: absent, its text, or a value of a type such a field cannot have. */
export type ScalarRead =
  | { readonly kind: 'absent' }
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'wrong-type'; readonly found: 'boolean' | 'object' | 'array' | 'non-finite number' };

const ABSENT: ScalarRead = { kind: 'absent' };

/** A string's value or a number's exact lexeme at the pointer (see the module comment for the rules). */
export function scalarAt(root: JsonNode, pointer: JsonPointer): ScalarRead {
  const node = resolvePointer(root, pointer);
  if (node === undefined) return ABSENT;
  switch (node.kind) {
    case 'string':
      return { kind: 'text', text: node.value };
    case 'number':
      return { kind: 'text', text: node.lexeme };
    case 'literal':
      return { kind: 'wrong-type', found: node.value === 'true' || node.value === 'false' ? 'boolean' : 'non-finite number' };
    case 'array':
    case 'object':
      return { kind: 'wrong-type', found: node.kind };
  }
}

/**
 * A configured field's text (`jobId`, `status`, `occurredAt`, `eventId`), undefined when absent and optional. Throws
 * ValidationError (a 400) naming the field and its pointer when it is required and absent, or of a wrong type.
 */
export function fieldText(root: JsonNode, pointer: JsonPointer, field: string, required: true): string;
export function fieldText(root: JsonNode, pointer: JsonPointer, field: string, required: false): string | undefined;
export function fieldText(root: JsonNode, pointer: JsonPointer, field: string, required: boolean): string | undefined {
  const read = scalarAt(root, pointer);
  if (read.kind === 'text') return read.text;
  const at = `${field} (${JSON.stringify(pointer.text)})`;
  if (read.kind === 'wrong-type')
    throw new ValidationError(
      `${at}: expected a string or a number, found ${read.found === 'object' || read.found === 'array' ? `an ${read.found}` : `a ${read.found}`}`,
    );
  if (required) throw new ValidationError(`${at}: Required`);
  return undefined;
}
