/**
 * What lambda/adapters/state-update-expressions.ts refuses to spell and which expressions a request gets when shapes
 * share a size: a state write is always conditional, and never carries another transition's fields.
 */
import { stateUpdateRequest } from '../../lambda/adapters/state-update-expressions';

const key = { pk: 'JOB#contentor#j', sk: 'STATE#j' };

describe('a state write', () => {
  it.each([
    ['no fields', {}],
    ['only fields without a value', { seq: undefined, status: undefined }],
  ])('refuses a precondition that compares nothing (%s): it would be an unconditional overwrite', (_name, fields) => {
    expect(() => stateUpdateRequest({ key, set: { status: 'failed' }, requires: { kind: 'unchanged', fields } })).toThrow(
      new Error('a state precondition must compare at least one field'),
    );
  });

  it('sets exactly its own fields when another shape of the same size shares its first field', () => {
    const requires = { kind: 'unchanged', fields: { orderKey: 'o', status: 'in_progress' } } as const;
    // A timestamp-ordered state's moves are counted: every such write has the same counter.
    const first = stateUpdateRequest({ key, set: { status: 'failed', eventType: 'failed' }, increments: ['seq'], requires });
    const second = stateUpdateRequest({ key, set: { status: 'failed', updatedAt: '2025-04-09T16:00:00.000Z' }, increments: ['seq'], requires });
    const third = stateUpdateRequest({
      key,
      set: { status: 'failed', eventType: 'failed' },
      increments: ['seq'],
      requires: { kind: 'unchanged', fields: { orderKey: 'o', seq: 3 } },
    });
    const counted = '#seq = if_not_exists(#seq, :zero) + :one';
    expect(first.UpdateExpression).toBe(`SET #status = :status, #eventType = :eventType, ${counted}`);
    expect(second.UpdateExpression).toBe(`SET #status = :status, #updatedAt = :updatedAt, ${counted}`);
    expect(second.ExpressionAttributeNames).toEqual({ '#status': 'status', '#updatedAt': 'updatedAt', '#seq': 'seq', '#orderKey': 'orderKey' });
    expect(third.ConditionExpression).toBe('#orderKey = :readOrderKey AND #seq = :readSeq');
  });
});
