import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { makeTelemetry } from '../../lambda/adapters/telemetry';
import type { NotificationLedger } from '../../lambda/core/fanout';
import type { OutgoingNotification } from '../../lambda/core/ports';
import { defaultDeps, makeHandler, toFanoutRecord } from '../../lambda/handlers/fanout';
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
  it('decodes NewImage from the stream attribute format', () => {
    const item = contentorItem('failed');
    expect(toFanoutRecord(streamRecord(item, '5'))).toEqual({ sequenceNumber: '5', image: item });
  });

  it('returns the failed record and every later one as batchItemFailures by sequence number', async () => {
    const published: OutgoingNotification[] = [];
    const ledger: NotificationLedger = { isPending: async () => true, markNotified: async () => 'marked' };
    let calls = 0;
    const handler = makeHandler({
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
    const handler = makeHandler({
      publisher: { publish: async () => undefined },
      ledger: { isPending: async () => true, markNotified: async () => 'marked' },
      jobsCommandHint: 'jobs get',
      telemetry,
    });
    await expect(handler({ Records: [streamRecord(contentorItem('completed'), '1')] })).resolves.toEqual({ batchItemFailures: [] });
  });

  it('fails the invocation loudly when its configuration is missing', async () => {
    const handler = makeHandler({ ...defaultDeps({}), telemetry });
    await expect(handler({ Records: [] })).rejects.toThrow(/TABLE_NAME is not set/);
  });
});
