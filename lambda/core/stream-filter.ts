/**
 * Which stream records invoke the fan-out: new event items that must notify (terminal events, and stalled markers
 * written by the watchdog). One definition: the CDK event-source mapping (lib/) and the local stream poller (local/)
 * both use it, the poller through `matchesStreamFilter`.
 */
export const fanoutFilterPattern = {
  eventName: ['INSERT'],
  dynamodb: {
    NewImage: {
      itemType: { S: ['event'] },
      notifyTopic: { S: ['succeeded', 'failed'] },
    },
  },
} as const;

type Pattern = { readonly [key: string]: Pattern | readonly string[] };

/** Evaluates an EventBridge-style pattern of exact string matches, as Lambda event filtering does for this pattern. */
export function matchesPattern(pattern: Pattern, value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  const record = value as Record<string, unknown>;
  return Object.entries(pattern).every(([key, expected]) => {
    const actual = record[key];
    if (Array.isArray(expected)) return typeof actual === 'string' && expected.includes(actual);
    return matchesPattern(expected as Pattern, actual);
  });
}

export function matchesStreamFilter(record: unknown): boolean {
  return matchesPattern(fanoutFilterPattern, record);
}
