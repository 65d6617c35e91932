/**
 * Why the fan-out parks a record for good rather than retrying it, as the parked item's reason says (re-drive and
 * operators read it): each name SNS uses to refuse the message itself (lambda/core/ports.ts), and an item that is
 * not an event item, with the field and what is wrong with it.
 */
import { fanOut, type FanoutDeps, type ItemKey, type NotificationLedger } from '../../lambda/core/fanout';
import type { EventItem } from '../../lambda/core/items';
import { contentorItem } from '../helpers/event-item-fixtures';

/** Pending until marked; keeps the reason of each parked event. */
class MemoryLedger implements NotificationLedger {
  readonly parked = new Map<string, string>();
  private readonly pending = new Set<string>();
  constructor(items: EventItem[]) {
    for (const item of items) this.pending.add(`${item.pk}|${item.sk}`);
  }
  async isPending(key: ItemKey) {
    return this.pending.has(`${key.pk}|${key.sk}`);
  }
  async markNotified(key: ItemKey) {
    return this.pending.delete(`${key.pk}|${key.sk}`) ? ('marked' as const) : ('already' as const);
  }
  async markUndeliverable(key: ItemKey, reason: string) {
    this.parked.set(`${key.pk}|${key.sk}`, reason);
    return 'marked' as const;
  }
}

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

function deps(items: EventItem[], refuseAs?: string): FanoutDeps & { ledger: MemoryLedger } {
  return {
    ledger: new MemoryLedger(items),
    jobsCommandHint: 'jobs get',
    log: quiet,
    publisher: {
      publish: async () => {
        if (refuseAs) throw Object.assign(new Error('Invalid parameter: Message'), { name: refuseAs });
      },
    },
  };
}

describe('a message SNS refuses', () => {
  it.each(['InvalidParameter', 'InvalidParameterException', 'InvalidParameterValue', 'InvalidParameterValueException', 'ValidationException'])(
    'as %s is parked with that reason, not retried',
    async (name) => {
      const item = contentorItem('failed');
      const d = deps([item], name);
      const result = await fanOut([{ sequenceNumber: '1', image: item }], d);
      expect(result.outcomes).toEqual([
        { sequenceNumber: '1', outcome: 'parked', eventId: item.eventId, reason: `SNS refused the message: ${name}: Invalid parameter: Message` },
      ]);
    },
  );

  it('for any other reason fails the record, to be retried', async () => {
    const item = contentorItem('failed');
    const result = await fanOut([{ sequenceNumber: '1', image: item }], deps([item], 'ThrottledException'));
    expect(result.outcomes[0]?.outcome).toBe('failed');
  });
});

describe('an item that is not an event item', () => {
  it('is parked naming the field and what is wrong with it', async () => {
    const item = contentorItem('failed');
    const broken = { ...item, provider: 'Not A Route!', body: 'text where bytes belong' };
    const d = deps([item]);
    const result = await fanOut([{ sequenceNumber: '1', image: broken, key: { pk: item.pk, sk: item.sk } }], d);
    const reason = d.ledger.parked.get(`${item.pk}|${item.sk}`) ?? '';
    expect(result.outcomes[0]?.outcome).toBe('parked');
    expect(reason).toMatch(/^not an event item: /);
    expect(reason).toContain('provider: not a provider route name');
    expect(reason).toContain('body: Expected binary');
  });
});
