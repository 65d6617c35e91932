/**
 * The fan-out's step for people (lambda/core/fanout.ts after a batch's systems messages) against DynamoDB Local and
 * fauxqs: which events are alerted, that an alert failure never fails the batch, how often one container looks for
 * closed windows, and the digest of a closed window. Faster and narrower than test/integration/alerts.test.ts, which
 * runs the deployed handlers end to end.
 */
import { CreateTopicCommand } from '@aws-sdk/client-sns';
import { DynamoAlertStore } from '../../lambda/adapters/dynamo-alert-store';
import { DynamoNotificationLedger } from '../../lambda/adapters/notification-ledger';
import { SnsNotificationPublisher } from '../../lambda/adapters/sns-publisher';
import type { AlertSettings } from '../../lambda/core/alerts';
import { type FanoutDeps, fanOut, type FanoutRecord } from '../../lambda/core/fanout';
import type { EventItem } from '../../lambda/core/items';
import { type CapturedPublish, capturingSnsClient } from '../helpers/alerts-harness';
import { createTestTable, localDocClient, localSns, uniqueName } from '../helpers/aws-local';
import { contentorItem, putItem } from '../helpers/event-item-fixtures';

const doc = localDocClient();
let tableName: string;
let drop: () => Promise<void>;
const captured: CapturedPublish[] = [];
let publisher: SnsNotificationPublisher;
let topics: { succeeded: string; failed: string; alerts: string };

beforeAll(async () => {
  ({ tableName, drop } = await createTestTable());
  const sns = localSns();
  const topic = async (kind: string) => (await sns.send(new CreateTopicCommand({ Name: uniqueName(kind) }))).TopicArn ?? '';
  topics = { succeeded: await topic('succeeded'), failed: await topic('failed'), alerts: await topic('alerts') };
  publisher = new SnsNotificationPublisher(capturingSnsClient(captured), topics);
});
afterAll(async () => drop());

/** A log that keeps every line (the alert step's lines are for operators). */
function recordingLog() {
  const lines: Array<{ level: string; message: string; fields?: Record<string, unknown> }> = [];
  const at = (level: string) => (message: string, fields?: Record<string, unknown>) => void lines.push({ level, message, fields });
  return { lines, log: { info: at('info'), warn: at('warn'), error: at('error') } };
}

const settings = (perWindow: number): AlertSettings => ({ statuses: new Set(['failed', 'stalled']), perWindow, windowSeconds: 60 });

/** Stored, pending events (as the receiver writes them) and their stream records. */
async function stored(...items: EventItem[]): Promise<FanoutRecord[]> {
  for (const item of items) await putItem(doc, tableName, item);
  return items.map((item, i) => ({ sequenceNumber: String(i + 1), image: item }));
}

function deps(now: () => Date, alerts: FanoutDeps['alerts'], log = recordingLog().log): FanoutDeps {
  return { publisher, ledger: new DynamoNotificationLedger(doc, tableName), jobsCommandHint: 'jobs get', log, now, alerts };
}

describe('the fan-out step for people', () => {
  it('alerts a failed event after its systems message, not a succeeded one; a retried batch decides nothing twice', async () => {
    const now = () => new Date('2035-01-01T00:00:10.000Z');
    const [failed, succeeded] = [contentorItem('failed'), contentorItem('completed')];
    const records = await stored(failed, succeeded);
    const { lines, log } = recordingLog();
    const alerts = { store: new DynamoAlertStore(doc, tableName), settings: settings(5) };
    const first = captured.length;
    const result = await fanOut(records, deps(now, alerts, log));
    expect(result.failures).toEqual([]);
    expect(result.alerts).toEqual([
      { eventId: failed.eventId, outcome: 'alerted' },
      { eventId: succeeded.eventId, outcome: 'not-alert-worthy' },
    ]);
    expect(lines.filter((l) => l.message === 'alert step')).toEqual([
      { level: 'info', message: 'alert step', fields: { eventId: failed.eventId, outcome: 'alerted' } },
    ]);
    // Systems messages first, then the one alert.
    expect(captured.slice(first).map((c) => c.input.TopicArn)).toEqual([topics.failed, topics.succeeded, topics.alerts]);
    // Once the window has closed, its flush finds nothing owed (the alert went out alone) and logs no digest.
    const { lines: later, log: laterLog } = recordingLog();
    const flushed = await fanOut(
      [],
      deps(() => new Date('2035-01-01T00:10:00.000Z'), alerts, laterLog),
    );
    expect(flushed.digests).toEqual([{ windowStart: '2035-01-01T00:00:00.000Z', digestTotal: 0, outcome: 'nothing-to-send' }]);
    expect(later.filter((l) => l.message === 'digest published')).toEqual([]);
    // The same records again (Lambda retrying the batch): both skipped, and the alert is found decided.
    const again = await fanOut(records, deps(now, alerts));
    expect(again.outcomes.map((o) => o.outcome)).toEqual(['skipped', 'skipped']);
    expect(again.alerts).toEqual([
      { eventId: failed.eventId, outcome: 'already' },
      { eventId: succeeded.eventId, outcome: 'not-alert-worthy' },
    ]);
  });

  it('never fails the batch for an alert: the failure is logged with the event, and a failing flush is reported', async () => {
    const now = () => new Date('2035-01-02T00:00:10.000Z');
    const failed = contentorItem('failed');
    const records = await stored(failed);
    const { lines, log } = recordingLog();
    const broken = { store: new DynamoAlertStore(doc, `${tableName}-missing`), settings: settings(5) };
    const result = await fanOut(records, deps(now, broken, log));
    expect(result.failures).toEqual([]);
    expect(result.outcomes.map((o) => o.outcome)).toEqual(['published']);
    expect(result.alerts).toEqual([{ eventId: failed.eventId, outcome: 'failed', reason: expect.stringContaining('ResourceNotFoundException') }]);
    expect(lines).toContainEqual({
      level: 'error',
      message: 'alert failed',
      fields: { eventId: failed.eventId, reason: expect.stringContaining('ResourceNotFoundException') },
    });
    expect(result.digestFailures).toEqual([{ windowStart: '-', reason: expect.stringContaining('ResourceNotFoundException') }]);
    expect(lines).toContainEqual({
      level: 'error',
      message: 'digest flush failed',
      fields: { windowStart: '-', reason: expect.stringContaining('ResourceNotFoundException') },
    });
  });

  it('looks for closed windows at most once every 2 s per container', async () => {
    let nowMs = Date.parse('2035-01-03T00:00:00.000Z');
    // A store that always fails shows each look as a digest failure.
    const broken = { store: new DynamoAlertStore(doc, `${tableName}-missing`), settings: settings(5) };
    const looks = async (atMs: number) => {
      nowMs = atMs;
      return (
        await fanOut(
          [],
          deps(() => new Date(nowMs), broken),
        )
      ).digestFailures.length;
    };
    const t0 = nowMs;
    expect([await looks(t0), await looks(t0 + 1999), await looks(t0 + 2000), await looks(t0 + 2001)]).toEqual([1, 0, 1, 0]);
  });

  it("sends a closed window's digest and logs it", async () => {
    const decidedAt = Date.parse('2035-01-04T00:00:10.000Z');
    let nowMs = decidedAt;
    const now = () => new Date(nowMs);
    // No individual alerts: every alert-worthy event waits for its window's digest.
    const alerts = { store: new DynamoAlertStore(doc, tableName), settings: settings(0) };
    const failed = contentorItem('failed');
    expect((await fanOut(await stored(failed), deps(now, alerts))).alerts).toEqual([{ eventId: failed.eventId, outcome: 'digested' }]);
    nowMs = decidedAt + 10 * 60_000;
    const { lines, log } = recordingLog();
    const later = await fanOut([], deps(now, alerts, log));
    expect(later.digests).toEqual([{ windowStart: '2035-01-04T00:00:00.000Z', digestTotal: 1, outcome: 'sent' }]);
    expect(lines).toContainEqual({ level: 'info', message: 'digest published', fields: { windowStart: '2035-01-04T00:00:00.000Z', total: 1 } });
  });

  it('alerts no event that was parked (SNS refused its systems message for good)', async () => {
    const now = () => new Date('2035-01-05T00:00:10.000Z');
    const [refused, fine] = [contentorItem('failed'), contentorItem('failed')];
    const records = await stored(refused, fine);
    // A fault fauxqs cannot produce on demand: SNS refusing one message as invalid.
    const refusing = {
      publish: async (notification: Parameters<SnsNotificationPublisher['publish']>[0]) => {
        if (notification.message.includes(refused.eventId) && notification.topic !== 'alerts') {
          throw Object.assign(new Error('Invalid parameter: Message'), { name: 'InvalidParameterException' });
        }
        return publisher.publish(notification);
      },
    };
    const alerts = { store: new DynamoAlertStore(doc, tableName), settings: settings(5) };
    const result = await fanOut(records, { ...deps(now, alerts), publisher: refusing });
    expect(result.outcomes.map((o) => o.outcome)).toEqual(['parked', 'published']);
    expect(result.alerts).toEqual([{ eventId: fine.eventId, outcome: 'alerted' }]);
  });
});
