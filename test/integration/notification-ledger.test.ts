/**
 * The table's record of which events were notified (lambda/adapters/notification-ledger.ts) against DynamoDB Local:
 * pending until marked, a second marker told it lost, a parking reason bounded, a retried batch reading what the
 * previous attempt wrote, and a storage failure never mistaken for "already notified" (which would drop a
 * notification without a trace). test/integration/fanout.test.ts runs it inside the whole fan-out.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoNotificationLedger } from '../../lambda/adapters/notification-ledger';
import { createTestTable, localDocClient } from '../helpers/aws-local';
import { contentorItem, putItem } from '../helpers/event-item-fixtures';

const doc = localDocClient();
let tableName: string;
let drop: () => Promise<void>;
beforeAll(async () => {
  ({ tableName, drop } = await createTestTable());
});
afterAll(async () => drop());

/** A stored terminal event, pending as the store writes it. */
async function pendingEvent() {
  const item = contentorItem('completed');
  await putItem(doc, tableName, item);
  return { pk: item.pk, sk: item.sk };
}

const stored = async (key: { pk: string; sk: string }) => (await doc.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }))).Item ?? {};

describe('notification ledger on DynamoDB Local', () => {
  it('is pending until marked; a second marker is told the event was already notified', async () => {
    const ledger = new DynamoNotificationLedger(doc, tableName);
    const key = await pendingEvent();
    expect(await ledger.isPending(key)).toBe(true);
    expect(await ledger.markNotified(key, '2026-01-01T00:00:00.000Z')).toBe('marked');
    expect(await ledger.isPending(key)).toBe(false);
    expect(await ledger.markNotified(key, '2026-01-01T00:00:01.000Z')).toBe('already');
    expect(await stored(key)).toMatchObject({ notifiedAt: '2026-01-01T00:00:00.000Z' });
  });

  it('keeps the first 1000 characters of a parking reason, and the event stays pending', async () => {
    const ledger = new DynamoNotificationLedger(doc, tableName);
    const key = await pendingEvent();
    const reason = `not an event item: ${'x'.repeat(5000)}`;
    expect(await ledger.markUndeliverable(key, reason, '2026-01-01T00:00:00.000Z')).toBe('marked');
    expect(await stored(key)).toMatchObject({ undeliverable: reason.slice(0, 1000), parkedAt: '2026-01-01T00:00:00.000Z' });
    expect(await ledger.isPending(key)).toBe(true);
  });

  it('asks for a strongly consistent read, so a retried batch sees the mark its previous attempt wrote', async () => {
    // DynamoDB Local is always consistent, so the request itself is what can be checked.
    const recording = localDocClient();
    const reads: unknown[] = [];
    recording.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'GetItemCommand') reads.push((args.input as { ConsistentRead?: unknown }).ConsistentRead);
        return next(args);
      },
      { step: 'initialize', name: 'recordConsistentReadForTests' },
    );
    const key = await pendingEvent();
    expect(await new DynamoNotificationLedger(recording, tableName).isPending(key)).toBe(true);
    expect(reads).toEqual([true]);
  });

  it('fails, never answers "already", when the table cannot take the mark', async () => {
    const key = await pendingEvent();
    const missing = new DynamoNotificationLedger(doc, `${tableName}-missing`);
    await expect(missing.markNotified(key, '2026-01-01T00:00:00.000Z')).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await expect(missing.markUndeliverable(key, 'reason', '2026-01-01T00:00:00.000Z')).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});
