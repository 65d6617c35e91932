import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { makeTelemetry } from '../../lambda/adapters/telemetry';
import type { NotificationLedger } from '../../lambda/core/fanout';
import type { OutgoingNotification } from '../../lambda/core/ports';
import { fanoutDepsFromEnv } from '../../lambda/handlers/fanout/deps';
import { makeFanoutHandler, toFanoutRecord } from '../../lambda/handlers/fanout/handler';
import { contentorItem } from '../helpers/event-item-fixtures';

const telemetry = makeTelemetry('fanout-unit');
telemetry.logger.setLogLevel('SILENT');
jest.spyOn(telemetry, 'flush').mockImplementation(() => undefined);

const streamRecord = (image: Record<string, unknown> | undefined, seq: string): DynamoDBRecord => ({
  eventName: 'INSERT',
  eventSource: 'aws:dynamodb',
  dynamodb: { SequenceNumber: seq, NewImage: image ? (marshall(image, { removeUndefinedValues: true }) as never) : undefined },
});

describe('fan-out handler', () => {
  it('decodes the NewImage scalars and the base64 body the way Lambda delivers them', () => {
    const item = contentorItem('failed');
    const record = streamRecord(item, '5');
    // Lambda's event JSON carries B values as base64 strings.
    const image = record.dynamodb?.NewImage as Record<string, { B?: unknown }>;
    image.body = { B: Buffer.from(item.body ?? []).toString('base64') };
    expect(toFanoutRecord(record)).toEqual({ sequenceNumber: '5', image: item, key: { pk: item.pk, sk: item.sk } });
  });

  it('reads no map or list from the image, so a stored tree can neither throw nor become a number', () => {
    const item = contentorItem('failed');
    const record = streamRecord({ ...item, payload: { big: 9007199254740993n, empty: {} } }, '6');
    const decoded = toFanoutRecord(record);
    expect(decoded.image).not.toHaveProperty('payload');
    expect(decoded.image).toMatchObject({ eventId: item.eventId });
  });

  it('returns the failed record and every later one as batchItemFailures by sequence number', async () => {
    const published: OutgoingNotification[] = [];
    const ledger: NotificationLedger = { isPending: async () => true, markNotified: async () => 'marked', markUndeliverable: async () => 'marked' };
    let calls = 0;
    const handler = makeFanoutHandler({
      publisher: {
        publish: async (n) => {
          calls += 1;
          if (calls === 2) throw new Error('down');
          published.push(n);
        },
      },
      ledger,
      jobsCommandHint: 'jobs get',
      telemetry,
    });
    const records = ['11', '12', '13'].map((seq) => streamRecord(contentorItem('failed'), seq));
    await expect(handler({ Records: records })).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: '12' }, { itemIdentifier: '13' }] });
    expect(published).toHaveLength(1);
  });

  it('returns no failures for a fully published batch', async () => {
    const handler = makeFanoutHandler({
      publisher: { publish: async () => undefined },
      ledger: { isPending: async () => true, markNotified: async () => 'marked', markUndeliverable: async () => 'marked' },
      jobsCommandHint: 'jobs get',
      telemetry,
    });
    await expect(handler({ Records: [streamRecord(contentorItem('completed'), '1')] })).resolves.toEqual({ batchItemFailures: [] });
  });

  it('fails the cold start loudly, naming each missing variable, when its configuration is missing', () => {
    expect(() => fanoutDepsFromEnv({})).toThrow(/fan-out environment is invalid: TABLE_NAME: .*SUCCEEDED_TOPIC_ARN: .*FAILED_TOPIC_ARN/);
  });
});
