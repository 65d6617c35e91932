/**
 * The alert store (lambda/adapters/dynamo-alert-store.ts) on DynamoDB Local, call by call: each answer of the port
 * (lambda/core/alerts/store.ts), the window head's counters as stored, strongly consistent reads, paging, and how it
 * treats failures. Faults DynamoDB Local cannot produce (a transaction conflict, a small page) are injected in front
 * of the request on the store's own client; the SDK and the table stay real. Each test uses its own windows and
 * event ids, so tests do not see each other's items.
 */
import { randomUUID } from 'node:crypto';
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoAlertStore } from '../../lambda/adapters/dynamo-alert-store';
import { makeDocumentClient } from '../../lambda/adapters/dynamo-client';
import { itemTypes, keys } from '../../lambda/contracts';
import type { AlertFacts, AlertKind, AlertWindow, DecideInput } from '../../lambda/core/alerts';
import { createTestTable, dynamoEndpoint } from '../helpers/aws-local';

let table: Awaited<ReturnType<typeof createTestTable>>;
let doc: DynamoDBDocumentClient;
let store: DynamoAlertStore;
const opened: DynamoDBDocumentClient[] = [];

beforeAll(async () => {
  table = await createTestTable();
  doc = makeDocumentClient({ endpoint: dynamoEndpoint() });
  store = new DynamoAlertStore(doc, table.tableName);
});
afterAll(async () => {
  await table.drop();
  for (const client of [doc, ...opened]) client.destroy();
});

const WINDOW_MS = 60_000;
let day = 0;
/** `count` consecutive one-minute windows on a day no other test uses (window heads share one partition). */
function freshWindows(count: number): AlertWindow[] {
  const dayStart = Date.UTC(2040, 0, 1) + day++ * 86_400_000;
  return Array.from({ length: count }, (_, i) => ({
    start: new Date(dayStart + i * WINDOW_MS).toISOString(),
    end: new Date(dayStart + (i + 1) * WINDOW_MS).toISOString(),
  }));
}

function facts(eventId = randomUUID()): AlertFacts {
  return { provider: 'contentor', jobId: `job-${eventId.slice(0, 8)}`, status: 'failed', eventType: 'job.failed', eventId };
}

const EXPIRES_AT = 2_200_000_000;
function input(window: AlertWindow, eventFacts: AlertFacts, kind: AlertKind = 'alert', perWindow = 10): DecideInput {
  return { window, facts: eventFacts, kind, perWindow, at: window.start, expiresAt: EXPIRES_AT };
}

async function head(window: AlertWindow): Promise<Record<string, unknown> | undefined> {
  const out = await doc.send(new GetCommand({ TableName: table.tableName, Key: { pk: keys.alertWindowsPartition, sk: keys.alertWindowHead(window.start) } }));
  return out.Item;
}
async function decisionItem(window: AlertWindow, eventId: string): Promise<Record<string, unknown> | undefined> {
  const out = await doc.send(
    new GetCommand({ TableName: table.tableName, Key: { pk: keys.alertWindowPartition(window.start), sk: keys.alertWindowEvent(eventId) } }),
  );
  return out.Item;
}

/** A store on its own client; `intercept` sees (and may change or refuse) every request before the SDK sends it. */
function storeWith(intercept: (commandName: string, input: Record<string, unknown>) => void, tableName = table.tableName): { intercepted: DynamoAlertStore } {
  const client = makeDocumentClient({ endpoint: dynamoEndpoint() });
  opened.push(client);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      intercept(String(context.commandName), args.input as Record<string, unknown>);
      return next(args);
    },
    { step: 'initialize', name: 'interceptForTests' },
  );
  return { intercepted: new DynamoAlertStore(client, tableName) };
}

/** What DynamoDB answers when a transaction loses a race on one of its items (here the window head, the third). */
function transactionConflict(): Error {
  return Object.assign(new Error('Transaction cancelled, please refer cancellation reasons for specific reasons [None, None, TransactionConflict]'), {
    name: 'TransactionCanceledException',
    CancellationReasons: [{ Code: 'None' }, { Code: 'None' }, { Code: 'TransactionConflict' }],
  });
}

describe('decide', () => {
  it('decides an event once: again in the same window, or in a later one, it is already decided', async () => {
    const [window, later] = freshWindows(2) as [AlertWindow, AlertWindow];
    const event = facts();
    expect(await store.decide(input(window, event))).toBe('decided');
    expect(await store.decide(input(window, event))).toBe('already-decided');
    // Only the mark stops this one: the later window has no decision for the event and room in its budget.
    expect(await store.decide(input(later, event))).toBe('already-decided');
    expect(await head(later)).toBeUndefined();
    expect(await decisionItem(later, event.eventId)).toBeUndefined();
    expect((await head(window))?.alerts).toBe(1);
  });

  it('finds the decision even when its mark is gone (TTL deletes the two items independently)', async () => {
    const [window] = freshWindows(1) as [AlertWindow];
    const event = facts();
    expect(await store.decide(input(window, event))).toBe('decided');
    await doc.send(new DeleteCommand({ TableName: table.tableName, Key: { pk: keys.alertEventMark(event.eventId), sk: keys.alertEventMarkSort } }));
    expect(await store.decide(input(window, event))).toBe('already-decided');
    expect((await head(window))?.alerts).toBe(1);
  });

  it('spends the budget on alerts only: past it an alert is refused, a digest member is still decided; each kind is counted apart', async () => {
    const [window] = freshWindows(1) as [AlertWindow];
    for (let i = 0; i < 2; i++) expect(await store.decide(input(window, facts(), 'alert', 2))).toBe('decided');
    expect(await store.decide(input(window, facts(), 'alert', 2))).toBe('budget-spent');
    expect(await store.decide(input(window, facts(), 'digest', 2))).toBe('decided');
    expect(await store.decide(input(window, facts(), 'digest', 2))).toBe('decided');
    expect(await head(window)).toEqual({
      pk: keys.alertWindowsPartition,
      sk: keys.alertWindowHead(window.start),
      itemType: itemTypes.alertWindow,
      windowEnd: window.end,
      expiresAt: EXPIRES_AT,
      alerts: 2,
      digested: 2,
    });
  });

  it('stores the decision with its facts and the event mark with its window and kind', async () => {
    const [window] = freshWindows(1) as [AlertWindow];
    const event = facts();
    expect(await store.decide(input(window, event, 'digest'))).toBe('decided');
    expect(await decisionItem(window, event.eventId)).toEqual({
      pk: keys.alertWindowPartition(window.start),
      sk: keys.alertWindowEvent(event.eventId),
      itemType: itemTypes.alertDecision,
      ...event,
      kind: 'digest',
      decidedAt: window.start,
      expiresAt: EXPIRES_AT,
    });
    const mark = await doc.send(new GetCommand({ TableName: table.tableName, Key: { pk: keys.alertEventMark(event.eventId), sk: keys.alertEventMarkSort } }));
    expect(mark.Item).toEqual({
      pk: keys.alertEventMark(event.eventId),
      sk: keys.alertEventMarkSort,
      itemType: itemTypes.alertMark,
      window: window.start,
      kind: 'digest',
      expiresAt: EXPIRES_AT,
    });
  });

  it('answers window-closed once the flush claimed the window, for an alert and a digest member alike', async () => {
    const [window] = freshWindows(1) as [AlertWindow];
    expect(await store.decide(input(window, facts()))).toBe('decided');
    expect(await store.claimFlush(window.start, window.end, window.start)).toBe(true);
    expect(await store.decide(input(window, facts(), 'alert'))).toBe('window-closed');
    expect(await store.decide(input(window, facts(), 'digest'))).toBe('window-closed');
    expect((await head(window))?.alerts).toBe(1);
  });

  it('answers window-closed once the window was flushed (flushedAt alone on the head)', async () => {
    const [window] = freshWindows(1) as [AlertWindow];
    expect(await store.decide(input(window, facts()))).toBe('decided');
    // No claim first: the head then carries flushedAt only, so this shows that field closes the window on its own.
    await store.finishFlush(window.start, window.end, 0);
    expect(await store.decide(input(window, facts(), 'alert'))).toBe('window-closed');
    expect(await store.decide(input(window, facts(), 'digest'))).toBe('window-closed');
  });

  it('answers budget-spent, not window-closed, for a full window nobody flushes', async () => {
    const [window] = freshWindows(1) as [AlertWindow];
    expect(await store.decide(input(window, facts(), 'alert', 1))).toBe('decided');
    expect(await store.decide(input(window, facts(), 'alert', 1))).toBe('budget-spent');
  });
});

describe('decide when DynamoDB fails', () => {
  it('rethrows an error that is not a cancelled transaction at once, after one request', async () => {
    const [window] = freshWindows(1) as [AlertWindow];
    const sent: string[] = [];
    const { intercepted } = storeWith((name) => void sent.push(name), `missing-${randomUUID()}`);
    await expect(intercepted.decide(input(window, facts()))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    expect(sent).toEqual(['TransactWriteItemsCommand']);
  });

  it('retries a transaction conflict and then decides', async () => {
    const [window] = freshWindows(1) as [AlertWindow];
    const event = facts();
    let conflicts = 1;
    const sent: string[] = [];
    const { intercepted } = storeWith((name) => {
      sent.push(name);
      if (name === 'TransactWriteItemsCommand' && conflicts-- > 0) throw transactionConflict();
    });
    expect(await intercepted.decide(input(window, event))).toBe('decided');
    expect(sent).toEqual(['TransactWriteItemsCommand', 'TransactWriteItemsCommand']);
    expect((await head(window))?.alerts).toBe(1);
    expect(await decisionItem(window, event.eventId)).toMatchObject({ kind: 'alert' });
  });

  it('throws the conflict after the last of its 7 attempts', async () => {
    const [window] = freshWindows(1) as [AlertWindow];
    const sent: string[] = [];
    const { intercepted } = storeWith((name) => {
      sent.push(name);
      if (name === 'TransactWriteItemsCommand') throw transactionConflict();
    });
    await expect(intercepted.decide(input(window, facts()))).rejects.toMatchObject({ name: 'TransactionCanceledException' });
    expect(sent).toEqual(Array(7).fill('TransactWriteItemsCommand'));
    expect(await head(window)).toBeUndefined();
  });
});

describe('decisionOf', () => {
  it('is undefined for an event never decided', async () => {
    expect(await store.decisionOf(randomUUID())).toBeUndefined();
  });

  it.each<[string, AlertKind]>([
    ['an alert', 'alert'],
    ['a digest', 'digest'],
  ])('returns %s decision with its window', async (_label, kind) => {
    const [window] = freshWindows(1) as [AlertWindow];
    const event = facts();
    expect(await store.decide(input(window, event, kind))).toBe('decided');
    expect(await store.decisionOf(event.eventId)).toEqual({ ...event, kind, decidedAt: window.start, window: window.start });
  });
});

describe('publishing an individual alert', () => {
  it('starts publishing once; a second attempt within staleBefore is refused, a stale one takes over; none after it was sent', async () => {
    const [window] = freshWindows(1) as [AlertWindow];
    const event = facts();
    await store.decide(input(window, event));
    const t = (seconds: number) => new Date(Date.parse(window.start) + seconds * 1000).toISOString();
    expect(await store.startPublishing(window.start, event.eventId, t(10), t(0))).toBe(true);
    expect(await store.startPublishing(window.start, event.eventId, t(20), t(5))).toBe(false);
    expect(await store.startPublishing(window.start, event.eventId, t(30), t(15))).toBe(true);
    await store.markSent(window.start, event.eventId, t(31));
    expect(await store.decisionOf(event.eventId)).toMatchObject({ publishingAt: t(30), sentAt: t(31) });
    expect(await store.startPublishing(window.start, event.eventId, t(200), t(100))).toBe(false);
  });

  it('does not start publishing an alert the flush folded, nor one never decided', async () => {
    const [window] = freshWindows(1) as [AlertWindow];
    const event = facts();
    await store.decide(input(window, event));
    expect(await store.fold(window.start, event.eventId, window.end, window.start)).toBe('folded');
    expect(await store.startPublishing(window.start, event.eventId, window.end, window.end)).toBe(false);
    expect(await store.startPublishing(window.start, randomUUID(), window.end, window.end)).toBe(false);
  });
});

describe('fold', () => {
  const t = (window: AlertWindow, seconds: number) => new Date(Date.parse(window.start) + seconds * 1000).toISOString();

  it('folds an alert never published and records when', async () => {
    const [window] = freshWindows(1) as [AlertWindow];
    const event = facts();
    await store.decide(input(window, event));
    expect(await store.fold(window.start, event.eventId, t(window, 70), t(window, 0))).toBe('folded');
    expect(await decisionItem(window, event.eventId)).toMatchObject({ foldedAt: t(window, 70) });
  });

  it('answers in-flight for an alert whose publish started after staleBefore, and folds it once that start is stale', async () => {
    const [window] = freshWindows(1) as [AlertWindow];
    const event = facts();
    await store.decide(input(window, event));
    expect(await store.startPublishing(window.start, event.eventId, t(window, 50), t(window, 0))).toBe(true);
    expect(await store.fold(window.start, event.eventId, t(window, 70), t(window, 40))).toBe('in-flight');
    expect((await decisionItem(window, event.eventId))?.foldedAt).toBeUndefined();
    expect(await store.fold(window.start, event.eventId, t(window, 200), t(window, 60))).toBe('folded');
  });

  it('answers sent for an alert that went out', async () => {
    const [window] = freshWindows(1) as [AlertWindow];
    const event = facts();
    await store.decide(input(window, event));
    await store.startPublishing(window.start, event.eventId, t(window, 50), t(window, 0));
    await store.markSent(window.start, event.eventId, t(window, 51));
    expect(await store.fold(window.start, event.eventId, t(window, 200), t(window, 100))).toBe('sent');
    expect((await decisionItem(window, event.eventId))?.foldedAt).toBeUndefined();
  });
});

describe('the rate slots', () => {
  it('gives a slot to its first claimer only', async () => {
    const slot = 9_000_000_000 + day++;
    expect(await store.claimSlot(slot, EXPIRES_AT)).toBe(true);
    expect(await store.claimSlot(slot, EXPIRES_AT)).toBe(false);
    expect(await store.claimSlot(slot + 1, EXPIRES_AT)).toBe(true);
  });
});

describe('flushing a window', () => {
  it('claims a window once; a stale claim is taken over; a released one is claimed again; a finished one never', async () => {
    const [window] = freshWindows(1) as [AlertWindow];
    await store.decide(input(window, facts(), 'digest'));
    const t = (seconds: number) => new Date(Date.parse(window.end) + seconds * 1000).toISOString();
    expect(await store.claimFlush(window.start, t(10), t(0))).toBe(true);
    expect(await store.claimFlush(window.start, t(20), t(5))).toBe(false);
    expect(await store.claimFlush(window.start, t(30), t(15))).toBe(true);
    await store.releaseFlush(window.start);
    expect((await head(window))?.flushClaimedAt).toBeUndefined();
    expect(await store.claimFlush(window.start, t(31), t(0))).toBe(true);
    await store.finishFlush(window.start, t(40), 1);
    expect(await store.claimFlush(window.start, t(500), t(400))).toBe(false);
  });

  it('does not claim a window that has no head (nothing was decided in it)', async () => {
    const [window] = freshWindows(1) as [AlertWindow];
    expect(await store.claimFlush(window.start, window.end, window.start)).toBe(false);
    expect(await head(window)).toBeUndefined();
  });

  it('lists the windows ended by endedBy and after since that were not flushed', async () => {
    const [before, a, b, c, open] = freshWindows(5) as [AlertWindow, AlertWindow, AlertWindow, AlertWindow, AlertWindow];
    for (const window of [before, a, b, c, open]) await store.decide(input(window, facts()));
    await store.claimFlush(b.start, b.end, b.start);
    await store.finishFlush(b.start, b.end, 0);
    // c is claimed but not finished: it still owes its digest.
    await store.claimFlush(c.start, c.end, c.start);
    expect(await store.windowsToFlush(a.start, c.end)).toEqual([{ window: a }, { window: c }]);
  });

  it('writes digestSentAt only when the digest held something', async () => {
    const [sent, empty] = freshWindows(2) as [AlertWindow, AlertWindow];
    for (const window of [sent, empty]) {
      await store.decide(input(window, facts(), 'digest'));
      await store.claimFlush(window.start, window.end, window.start);
    }
    await store.finishFlush(sent.start, sent.end, 3);
    await store.finishFlush(empty.start, empty.end, 0);
    expect(await head(sent)).toMatchObject({ flushedAt: sent.end, digestSentAt: sent.end, digestTotal: 3 });
    expect(await head(empty)).toMatchObject({ flushedAt: empty.end, digestTotal: 0 });
    expect((await head(empty))?.digestSentAt).toBeUndefined();
  });

  it('returns every decision of the window, with its publishing state', async () => {
    const [window, other] = freshWindows(2) as [AlertWindow, AlertWindow];
    const [sentAlert, digested] = [facts(), facts()];
    await store.decide(input(window, sentAlert, 'alert'));
    await store.decide(input(window, digested, 'digest'));
    await store.decide(input(other, facts(), 'alert'));
    await store.startPublishing(window.start, sentAlert.eventId, window.start, window.start);
    await store.markSent(window.start, sentAlert.eventId, window.end);
    const found = await store.decisions(window.start);
    expect(found).toHaveLength(2);
    expect(found).toEqual(
      expect.arrayContaining([
        { ...sentAlert, kind: 'alert', decidedAt: window.start, publishingAt: window.start, sentAt: window.end },
        { ...digested, kind: 'digest', decidedAt: window.start },
      ]),
    );
  });

  it('refuses a malformed decision, naming its key and each wrong field', async () => {
    const [window] = freshWindows(1) as [AlertWindow];
    const event = facts();
    await doc.send(
      new PutCommand({
        TableName: table.tableName,
        Item: { pk: keys.alertWindowPartition(window.start), sk: keys.alertWindowEvent(event.eventId), ...event, kind: 'bogus' },
      }),
    );
    await expect(store.decisions(window.start)).rejects.toThrow(
      new RegExp(`^alert decision ${keys.alertWindowPartition(window.start)} ${keys.alertWindowEvent(event.eventId)} is malformed: kind: [^;]+; decidedAt: `),
    );
  });
});

describe('reads the store decides on', () => {
  it('are strongly consistent (DynamoDB Local always is, so only the request shows it)', async () => {
    const reads: Array<{ name: string; input: Record<string, unknown> }> = [];
    const { intercepted } = storeWith((name, request) => {
      if (name === 'GetItemCommand' || name === 'QueryCommand') reads.push({ name, input: request });
    });
    const [window] = freshWindows(1) as [AlertWindow];
    const [sentAlert, another] = [facts(), facts()];
    const readsOf = async (act: () => Promise<unknown>) => {
      reads.length = 0;
      await act();
      return reads.map((r) => [r.name, r.input.ConsistentRead]);
    };
    await store.decide(input(window, sentAlert, 'alert', 1));
    expect(await readsOf(() => intercepted.decide(input(window, another, 'alert', 1)))).toEqual([['GetItemCommand', true]]);
    expect(await readsOf(() => intercepted.decisionOf(sentAlert.eventId))).toEqual([
      ['GetItemCommand', true],
      ['GetItemCommand', true],
    ]);
    await store.markSent(window.start, sentAlert.eventId, window.end);
    expect(await readsOf(() => intercepted.fold(window.start, sentAlert.eventId, window.end, window.start))).toEqual([['GetItemCommand', true]]);
    expect(await readsOf(() => intercepted.windowsToFlush(window.start, window.end))).toEqual([['QueryCommand', true]]);
    expect(await readsOf(() => intercepted.decisions(window.start))).toEqual([['QueryCommand', true]]);
  });
});

describe('reads across pages', () => {
  // DynamoDB ends a Query page at 1 MB; a page of 2 items shows the store follows LastEvaluatedKey to the end.
  let paged: DynamoAlertStore;
  beforeAll(() => {
    paged = storeWith((name, request) => {
      if (name === 'QueryCommand') request.Limit = 2;
    }).intercepted;
  });

  it('lists every window to flush', async () => {
    const windows = freshWindows(5);
    for (const window of windows) await store.decide(input(window, facts()));
    const [first, , , , last] = windows as [AlertWindow, AlertWindow, AlertWindow, AlertWindow, AlertWindow];
    expect(await paged.windowsToFlush(first.start, last.end)).toEqual(windows.map((window) => ({ window })));
  });

  it('returns every decision of a window', async () => {
    const [window] = freshWindows(1) as [AlertWindow];
    const events = Array.from({ length: 5 }, () => facts());
    for (const event of events) await store.decide(input(window, event, 'digest'));
    const found = await paged.decisions(window.start);
    expect(found.map((d) => d.eventId).sort()).toEqual(events.map((e) => e.eventId).sort());
  });
});

describe('conditional writes when the table is gone', () => {
  it('rethrows the failure rather than answering false', async () => {
    const [window] = freshWindows(1) as [AlertWindow];
    const { intercepted } = storeWith(() => undefined, `missing-${randomUUID()}`);
    await expect(intercepted.claimFlush(window.start, window.end, window.start)).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await expect(intercepted.startPublishing(window.start, randomUUID(), window.end, window.start)).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    await expect(intercepted.claimSlot(1, EXPIRES_AT)).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});
