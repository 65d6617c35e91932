/**
 * The local event-source mapping keeps flowing when the stream position it holds is gone (DynamoDB Local reports
 * TrimmedDataAccessException after a restart over persisted data). The fault is injected — the emulator cannot be
 * made to trim on demand — by a streams client that fails the first GetRecords, then behaves as the real one.
 */
import { GetRecordsCommand, TrimmedDataAccessException, type DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { contentorItem, putItem } from '../helpers/event-item-fixtures';
import { fanoutHarness, takeAll } from '../helpers/fanout-harness';
import { localStreams } from '../helpers/aws-local';

function trimmingOnce(real: DynamoDBStreamsClient): { client: DynamoDBStreamsClient; trimmed: () => number } {
  let trimmed = 0;
  const client = {
    send: async (command: unknown) => {
      if (command instanceof GetRecordsCommand && trimmed === 0) {
        trimmed += 1;
        throw new TrimmedDataAccessException({ message: 'position before the trim horizon', $metadata: {} });
      }
      return real.send(command as never);
    },
  } as unknown as DynamoDBStreamsClient;
  return { client, trimmed: () => trimmed };
}

it('continues from the oldest record after a trimmed stream position, delivering every terminal event once', async () => {
  const faulty = trimmingOnce(localStreams());
  const h = await fanoutHarness({ streams: faulty.client });
  const items = [contentorItem('completed'), contentorItem('failed')];
  for (const item of items) await putItem(h.doc, h.table.tableName, item);
  for (let round = 0; round < 5; round++) await h.poller.drain();
  expect(faulty.trimmed()).toBe(1);
  const received = await takeAll(h.sqs, h.all.queueUrl);
  expect(received.map((r) => r.document.eventId).sort()).toEqual(items.map((i) => i.eventId).sort());
  await h.table.drop();
});
