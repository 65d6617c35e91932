/**
 * The one place a state transition (core/state-transition.ts) becomes DynamoDB syntax: a conditional UpdateItem for
 * the receiver's state writes (adapters/dynamo-event-store.ts) and the watchdog's stall (adapters/dynamo-watchdog-store.ts)
 * alike, and the put-if-absent condition both use for event items. Attributes only through `#names`, so a field named
 * like a reserved word (`status`) needs no special case.
 */
import { tableSchema } from '../contracts';
import type { StateTransition } from '../core/state-transition';

/** An UpdateItem request without the table name, in the DynamoDB document-client shape. */
export interface StateUpdateRequest {
  readonly Key: { readonly pk: string; readonly sk: string };
  readonly UpdateExpression: string;
  readonly ConditionExpression: string;
  readonly ExpressionAttributeNames: Record<string, string>;
  readonly ExpressionAttributeValues: Record<string, string | number>;
}

/** Condition of a put that must not replace an item (an event item's key names one event for good). */
export const ITEM_ABSENT_CONDITION = `attribute_not_exists(${tableSchema.partitionKey})`;

export interface Expressions {
  readonly update: string;
  readonly condition: string;
  readonly names: Readonly<Record<string, string>>;
}

/** Value tokens by attribute name, made once: `:<name>` for a value set, `:read<Name>` for a value compared. */
const setTokens = new Map<string, string>();
const readTokens = new Map<string, string>();
function tokenOf(tokens: Map<string, string>, name: string, make: (name: string) => string): string {
  let token = tokens.get(name);
  if (token === undefined) {
    token = make(name);
    tokens.set(name, token);
  }
  return token;
}
const valueToken = (name: string) => tokenOf(setTokens, name, (n) => `:${n}`);
/** Apart from the `:<name>` the same attribute may be set to. */
const readToken = (name: string) => tokenOf(readTokens, name, (n) => `:read${n.charAt(0).toUpperCase()}${n.slice(1)}`);

/** `compared` undefined: the state must not exist yet. */
function buildExpressions(assigned: readonly string[], increments: readonly string[], compared: readonly string[] | undefined): Expressions {
  if (compared?.length === 0) throw new Error('a state precondition must compare at least one field');
  const sets = [...assigned.map((name) => `#${name} = :${name}`), ...increments.map((name) => `#${name} = if_not_exists(#${name}, :zero) + :one`)];
  const partitionKey = tableSchema.partitionKey;
  const condition = compared === undefined ? `attribute_not_exists(#${partitionKey})` : compared.map((name) => `#${name} = ${readToken(name)}`).join(' AND ');
  const named = [...assigned, ...increments, ...(compared ?? [partitionKey])];
  return { update: `SET ${sets.join(', ')}`, condition, names: Object.fromEntries(named.map((name) => [`#${name}`, name])) };
}

// The core's transitions come in a handful of shapes (which fields, which counters, which precondition): their
// expressions are built once per shape, and a request only adds its values. Building them per call was the largest
// CPU cost of a state write (bench/cpu.ts); so is hashing a shape spelled as one string, so shapes are bucketed by
// their sizes and told apart by comparing their names.
interface Shape {
  readonly assigned: readonly string[];
  readonly increments: readonly string[];
  readonly compared: readonly string[] | undefined;
  readonly expressions: Expressions;
}
const shapesBySize = new Map<number, Shape[]>();

const sameNames = (a: readonly string[] | undefined, b: readonly string[] | undefined): boolean =>
  a === b || (a !== undefined && b !== undefined && a.length === b.length && a.every((name, i) => name === b[i]));

/** One shape's expressions, built on its first request and the same object for every later one (exported for that test). */
export function expressionsFor(assigned: readonly string[], increments: readonly string[], compared: readonly string[] | undefined): Expressions {
  const size = (assigned.length * 100 + increments.length) * 100 + (compared === undefined ? 99 : compared.length);
  let shapes = shapesBySize.get(size);
  if (shapes === undefined) {
    shapes = [];
    shapesBySize.set(size, shapes);
  }
  for (const shape of shapes) {
    if (sameNames(shape.assigned, assigned) && sameNames(shape.increments, increments) && sameNames(shape.compared, compared)) return shape.expressions;
  }
  const expressions = buildExpressions(assigned, increments, compared);
  shapes.push({ assigned, increments, compared, expressions });
  return expressions;
}

type AttributeValues = Readonly<Record<string, string | number | undefined>>;

/** Adds the defined values of `source` under their tokens and returns their names, in order. */
function addValues(values: Record<string, string | number>, source: AttributeValues, token: (name: string) => string, names: string[] = []): string[] {
  for (const name in source) {
    const value = source[name];
    if (value === undefined) continue;
    values[token(name)] = value;
    names.push(name);
  }
  return names;
}

/** The conditional UpdateItem that carries out `transition` (fails its condition when the state is not as read). */
export function stateUpdateRequest(transition: StateTransition): StateUpdateRequest {
  const values: Record<string, string | number> = {};
  const assigned = addValues(values, transition.set as AttributeValues, valueToken);
  if (transition.index !== undefined) addValues(values, transition.index, valueToken, assigned);
  const increments = transition.increments ?? [];
  if (increments.length > 0) {
    values[':zero'] = 0;
    values[':one'] = 1;
  }
  const { requires } = transition;
  const compared = requires.kind === 'unchanged' ? addValues(values, requires.fields as AttributeValues, readToken) : undefined;
  const expressions = expressionsFor(assigned, increments, compared);
  return {
    Key: { pk: transition.key.pk, sk: transition.key.sk },
    UpdateExpression: expressions.update,
    ConditionExpression: expressions.condition,
    ExpressionAttributeNames: { ...expressions.names },
    ExpressionAttributeValues: values,
  };
}
