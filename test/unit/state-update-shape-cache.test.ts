/**
 * The expressions of a state write are built once per shape (lambda/adapters/state-update-expressions.ts): later
 * requests of the same fields, counters and precondition get the very same expressions, whatever arrays name them,
 * and a shape that differs in any name, count or precondition gets its own. Rebuilding per request was the largest
 * CPU cost of a state write (bench/cpu.ts); the requests themselves are checked in state-update-expressions.test.ts.
 */
import fc from 'fast-check';
import { expressionsFor } from '../../lambda/adapters/state-update-expressions';

const names = fc.uniqueArray(fc.constantFrom('status', 'eventType', 'seq', 'orderKey', 'statusSince', 'gsi1pk', 'gsi1sk', 'updatedAt', 'moves'), {
  maxLength: 6,
});
const shape = fc.record({
  assigned: names,
  increments: names,
  compared: fc.option(
    names.filter((n) => n.length > 0),
    { nil: undefined },
  ),
});

describe('state write expressions, one build per shape', () => {
  it('give a repeated shape the same expressions, though other arrays name it', () => {
    fc.assert(
      fc.property(shape, ({ assigned, increments, compared }) => {
        const first = expressionsFor(assigned, increments, compared);
        expect(expressionsFor([...assigned], [...increments], compared && [...compared])).toBe(first);
      }),
      { numRuns: 300 },
    );
  });

  it('give shapes that differ in any name, count or precondition their own expressions', () => {
    fc.assert(
      fc.property(shape, shape, (a, b) => {
        const same = JSON.stringify(a) === JSON.stringify(b);
        const [x, y] = [expressionsFor(a.assigned, a.increments, a.compared), expressionsFor(b.assigned, b.increments, b.compared)];
        expect(x === y).toBe(same);
        if (!same) expect(`${x.update} IF ${x.condition}`).not.toBe(`${y.update} IF ${y.condition}`);
      }),
      { numRuns: 300 },
    );
  });
});
