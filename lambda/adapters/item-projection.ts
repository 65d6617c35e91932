/**
 * Read only the attributes our item schemas name. An item written by an earlier layout (the provider's payload as a
 * DynamoDB map, with numbers past 2^53 or empty maps) then reads like any other: the SDK never unmarshals the map.
 */
import { EventItemSchema, StateItemSchema } from '../core/items';

export interface Projection {
  readonly ProjectionExpression: string;
  readonly ExpressionAttributeNames: Record<string, string>;
}

function projectionOf(attributes: readonly string[]): Projection {
  // Every name through a placeholder: several (`status`, `body`, …) are DynamoDB reserved words.
  const names = Object.fromEntries(attributes.map((name, i) => [`#a${i}`, name]));
  return { ProjectionExpression: Object.keys(names).join(', '), ExpressionAttributeNames: names };
}

/** Event items and state items share a partition (and the history query); one projection covers both shapes. */
export const itemProjection: Projection = projectionOf([
  ...new Set([...Object.keys(EventItemSchema.shape), ...Object.keys(StateItemSchema.shape), 'parkedAt']),
]);
