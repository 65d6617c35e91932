import { ITEM_ABSENT_CONDITION, stateUpdateRequest, type StateUpdateRequest } from '../../lambda/adapters/state-update-expressions';
import type { StateItem } from '../../lambda/core/items';
import { applyTransition } from '../../lambda/core/state-transition';
import { transitionWalk, type TransitionStep } from '../helpers/state-transitions';

/**
 * Applies an update request to an in-memory state the way DynamoDB would for the expressions this adapter writes:
 * the condition first (`attribute_not_exists` or `#name = :token` terms), then every `#name = :token` assignment and
 * every `if_not_exists(#name, :zero) + :one` counter. Undefined when the condition fails.
 */
function evaluate(request: StateUpdateRequest, state: StateItem | undefined): Record<string, unknown> | undefined {
  const names = request.ExpressionAttributeNames;
  const values = request.ExpressionAttributeValues;
  const current = state as Record<string, unknown> | undefined;
  if (request.ConditionExpression.startsWith('attribute_not_exists(')) {
    if (current !== undefined) return undefined;
  } else {
    for (const term of request.ConditionExpression.split(' AND ')) {
      const [, name, token] = /^#(\w+) = (:\w+)$/.exec(term) ?? [];
      if (name === undefined || token === undefined) throw new Error(`unexpected condition term: ${term}`);
      if (current?.[names[`#${name}`] ?? ''] !== values[token]) return undefined;
    }
  }
  const next: Record<string, unknown> = { ...(current ?? request.Key) };
  for (const [, name, token] of request.UpdateExpression.matchAll(/#(\w+) = (:\w+)/g)) next[names[`#${name}`] ?? ''] = values[token ?? ''];
  for (const [, name] of request.UpdateExpression.matchAll(/#(\w+) = if_not_exists\(#\1, :zero\) \+ :one/g)) {
    next[names[`#${name}`] ?? ''] = ((current?.[name ?? ''] as number | undefined) ?? 0) + 1;
  }
  return next;
}

describe('state update expressions', () => {
  // Built in a hook, not while the file loads: a broken rule must fail these tests, not stop the file.
  let walk: TransitionStep[];
  const stepNamed = (name: string): TransitionStep => {
    const found = walk.find((s) => s.name === name);
    if (found === undefined) throw new Error(`no walk step "${name}"`);
    return found;
  };
  beforeAll(() => {
    walk = transitionWalk();
  });

  it('create a state only if none exists, counting a timestamp-ordered state’s moves', () => {
    const request = stateUpdateRequest(stepNamed('a new timestamp-ordered state').transition);
    expect(request.ConditionExpression).toBe('attribute_not_exists(#pk)');
    expect(request.ExpressionAttributeNames['#pk']).toBe('pk');
    expect(request.UpdateExpression).toContain('#seq = if_not_exists(#seq, :zero) + :one');
    expect(request.UpdateExpression).toMatch(/#statusSince = :statusSince, #gsi1pk = :gsi1pk, #gsi1sk = :gsi1sk/);
    expect(request.ExpressionAttributeValues).toMatchObject({ ':status': 'in_progress', ':itemType': 'state', ':gsi1pk': 'STATUS#in_progress' });
  });

  it('move a state only while it is still the one read: order key (timestamp), slot (arrival) or judged event (stall), and status', () => {
    const change = stepNamed('a status change after a stall');
    expect(stateUpdateRequest(change.transition).ConditionExpression).toBe('#orderKey = :readOrderKey AND #status = :readStatus');
    expect(stateUpdateRequest(change.transition).ExpressionAttributeValues).toMatchObject({
      ':readOrderKey': change.before?.orderKey,
      ':readStatus': 'stalled',
    });
    expect(stateUpdateRequest(stepNamed('an arrival-ordered status change').transition).ConditionExpression).toBe('#seq = :readSeq AND #status = :readStatus');
    const stall = stateUpdateRequest(stepNamed('a stall').transition);
    expect(stall.ConditionExpression).toBe('#eventId = :readEventId AND #status = :readStatus');
    expect(stall.UpdateExpression).not.toMatch(/orderKey|seq|eventId =|lastContentHash/);
    expect(stall.ExpressionAttributeValues).toMatchObject({ ':status': 'stalled', ':gsi1pk': 'STATUS#stalled' });
  });

  it('leave statusSince and the status index keys alone when the status stays (no index write)', () => {
    for (const name of ['the same status: the head moves, the index entry stays', 'a slot recorded without moving the head']) {
      const request = stateUpdateRequest(stepNamed(name).transition);
      expect(request.UpdateExpression).not.toMatch(/statusSince|gsi1/);
      expect(Object.keys(request.ExpressionAttributeValues).filter((token) => /statusSince|gsi1/.test(token))).toEqual([]);
    }
  });

  it('name every value and attribute the expressions use, and use every one they name (DynamoDB rejects unused ones)', () => {
    for (const { name, transition } of walk) {
      const request = stateUpdateRequest(transition);
      const expressions = `${request.UpdateExpression} ${request.ConditionExpression}`;
      const undefinedTokens = (expressions.match(/[#:][A-Za-z0-9]+/g) ?? []).filter((token) =>
        token.startsWith('#') ? request.ExpressionAttributeNames[token] === undefined : request.ExpressionAttributeValues[token] === undefined,
      );
      expect({ name, undefinedTokens }).toEqual({ name, undefinedTokens: [] });
      for (const token of [...Object.keys(request.ExpressionAttributeNames), ...Object.keys(request.ExpressionAttributeValues)]) {
        expect({ name, token, used: new RegExp(`${token}\\b`).test(expressions) }).toEqual({ name, token, used: true });
      }
    }
  });

  it('do to a state exactly what the transition means (core/state-transition.ts applyTransition)', () => {
    for (const { name, before, transition, after } of walk) {
      expect({ name, state: evaluate(stateUpdateRequest(transition), before) }).toEqual({ name, state: after });
    }
  });

  it('fail their condition once the state moved on, as the precondition does (each transition applies once)', () => {
    for (const { name, transition, after } of walk) {
      expect({ name, memory: applyTransition(after, transition), dynamo: evaluate(stateUpdateRequest(transition), after) }).toEqual({
        name,
        memory: undefined,
        dynamo: undefined,
      });
    }
  });

  it('give each request its own values, though requests of one shape share their expressions', () => {
    const first = walk[0] as TransitionStep;
    const again = transitionWalk()[0] as TransitionStep;
    const [a, b] = [stateUpdateRequest(first.transition), stateUpdateRequest(again.transition)];
    expect(b.UpdateExpression).toBe(a.UpdateExpression);
    expect(b.Key).not.toEqual(a.Key);
    expect(b.ExpressionAttributeValues[':jobId']).not.toBe(a.ExpressionAttributeValues[':jobId']);
    b.ExpressionAttributeNames['#extra'] = 'extra';
    expect(a.ExpressionAttributeNames).not.toHaveProperty('#extra');
  });

  it('tell apart shapes of the same size by their names (fields set and fields compared)', () => {
    const key = { pk: 'JOB#p#j', sk: 'STATE#j' };
    const requests = [
      stateUpdateRequest({ key, set: { status: 'failed' }, requires: { kind: 'unchanged', fields: { seq: 1 } } }),
      stateUpdateRequest({ key, set: { eventType: 'x' }, requires: { kind: 'unchanged', fields: { seq: 1 } } }),
      stateUpdateRequest({ key, set: { status: 'failed' }, requires: { kind: 'unchanged', fields: { orderKey: 'o' } } }),
      stateUpdateRequest({ key, set: { status: 'failed' }, requires: { kind: 'absent' } }),
    ];
    expect(requests.map((r) => `${r.UpdateExpression} IF ${r.ConditionExpression}`)).toEqual([
      'SET #status = :status IF #seq = :readSeq',
      'SET #eventType = :eventType IF #seq = :readSeq',
      'SET #status = :status IF #orderKey = :readOrderKey',
      'SET #status = :status IF attribute_not_exists(#pk)',
    ]);
  });

  it('put an event item only where none is', () => {
    expect(ITEM_ABSENT_CONDITION).toBe('attribute_not_exists(pk)');
  });
});
