/**
 * Captures every byte the Powertools loggers (and the local stream poller) write to stdout/stderr during a realistic
 * run — accepted, duplicate, rejected (401, 400, 404, 413), a 503 from a failing secret source, then the fan-out
 * publishing, failing once and meeting a poison record — and fails if a secret, the private key, any signature
 * sent, any full body or any payload value beyond the job id appears in it.
 */
import { randomUUID } from 'node:crypto';
import { CreateTopicCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { makeDocumentClient } from '../../lambda/adapters/dynamo-client';
import { DynamoEventStore } from '../../lambda/adapters/dynamo-event-store';
import { DynamoNotificationLedger } from '../../lambda/adapters/notification-ledger';
import { SnsNotificationPublisher } from '../../lambda/adapters/sns-publisher';
import { makeTelemetry } from '../../lambda/adapters/telemetry';
import { makeFanoutHandler } from '../../lambda/handlers/fanout/handler';
import { StreamPoller } from '../../local/stream-poller';
import { createTestTable, dynamoEndpoint, localDocClient, localSns, localSqs, localStreams, uniqueName } from '../helpers/aws-local';
import { FaultyPublisher } from '../helpers/fanout-harness';
import { contentorEnvelope, signContentorHeader, signPanjaya } from '../helpers/signing';
import { capturing } from '../helpers/capture-output';
import { CONTENTOR_SECRET, receiverHarness } from '../helpers/receiver-harness';

it('logs no secret, key, signature, body or payload value from a run through receiver and fan-out', async () => {
  const forbidden = new Map<string, string>();
  const forbid = (what: string, value: string) => forbidden.set(value, what);
  forbid('Contentor secret', CONTENTOR_SECRET);
  const canary = `CANARY-${randomUUID()}`; // a payload value that is not an id: seeing it means a payload was logged

  const table = await createTestTable();
  const client = makeDocumentClient({ endpoint: dynamoEndpoint() });
  const receiverTelemetry = makeTelemetry('receiver');
  receiverTelemetry.logger.setLogLevel('DEBUG');
  const fanoutTelemetry = makeTelemetry('fanout');
  fanoutTelemetry.logger.setLogLevel('DEBUG');
  const sns = localSns();
  const sqs = localSqs();
  const topic = async (kind: string) => (await sns.send(new CreateTopicCommand({ Name: uniqueName(kind) }))).TopicArn ?? '';
  const topics = { succeeded: await topic('succeeded'), failed: await topic('failed') };
  const dlqUrl = (await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('dlq') }))).QueueUrl ?? '';
  const publisher = new FaultyPublisher(new SnsNotificationPublisher(sns, topics));
  const poller = new StreamPoller({
    streams: localStreams(),
    streamArn: table.streamArn,
    handler: makeFanoutHandler({
      publisher,
      ledger: new DynamoNotificationLedger(localDocClient(), table.tableName),
      jobsCommandHint: 'jobs get',
      telemetry: fanoutTelemetry,
    }),
    maxRetries: 1,
    onFailure: { sqs, queueUrl: dlqUrl },
    log: (level, message, fields) => process.stderr.write(`${JSON.stringify({ level, message, ...fields })}\n`),
  });
  let secretsDown = false;
  const h = await receiverHarness({
    store: new DynamoEventStore({ client, tableName: table.tableName, retentionDays: 30 }),
    telemetry: receiverTelemetry,
    contentorSecrets: {
      secrets: async () => {
        if (secretsDown) throw new Error('ThrottlingException: rate exceeded');
        return [CONTENTOR_SECRET];
      },
    },
  });
  const privatePem = h.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  forbid('Panjaya private key', privatePem);
  for (const line of privatePem.split('\n').filter((l) => l.length >= 16 && !l.startsWith('-----'))) forbid('Panjaya private key line', line);

  const statuses: number[] = [];
  const send = async (provider: string, body: string, headers: Record<string, string>) => {
    forbid(`${provider} body`, body);
    for (const value of Object.values(headers)) forbid('signature header', value);
    statuses.push((await h.post(`/webhooks/${provider}`, body, headers)).status);
  };
  const uuid = randomUUID();
  const asset = `asset-${randomUUID()}`;
  const contentor = (status: string) => JSON.stringify({ uuid, status, timestamp: '2025-04-09T15:30:45Z', note: canary });
  const panjaya = (event: string) => JSON.stringify({ event, asset_id: asset, version_id: 'v1', version_locale: canary });

  const output = await capturing(async () => {
    await send('contentor', contentor('processing'), { 'X-Webhook-Signature': signContentorHeader(contentor('processing'), CONTENTOR_SECRET) });
    await send('contentor', contentor('processing'), { 'X-Webhook-Signature': signContentorHeader(contentor('processing'), CONTENTOR_SECRET, 'base64') });
    const envelope = contentorEnvelope({ uuid, status: 'failed', timestamp: '2025-04-09T15:31:00Z', note: canary }, CONTENTOR_SECRET);
    forbid('envelope signature', (JSON.parse(envelope) as { signature: string }).signature);
    await send('contentor', envelope, {});
    await send('panjaya', panjaya('version_generated'), { 'X-Signature': signPanjaya(panjaya('version_generated'), h.privateKey) });
    await send('panjaya', panjaya('version_generated'), { 'X-Signature': signPanjaya(panjaya('version_generating'), h.privateKey) }); // 401
    await send('contentor', contentor('completed'), { 'X-Webhook-Signature': signContentorHeader(contentor('completed'), 'wrong-secret') }); // 401
    await send('contentor', `{"note":"${canary}"`, { 'X-Webhook-Signature': signContentorHeader(`{"note":"${canary}"`, CONTENTOR_SECRET) }); // 400
    await send('contentor', JSON.stringify({ uuid, note: canary }), {
      'X-Webhook-Signature': signContentorHeader(JSON.stringify({ uuid, note: canary }), CONTENTOR_SECRET),
    }); // 400 schema
    await send('acme', contentor('completed'), { 'X-Webhook-Signature': signContentorHeader(contentor('completed'), CONTENTOR_SECRET) }); // 404
    await send('contentor', `{"note":"${canary}${'x'.repeat(5000)}"}`, {}); // 413
    secretsDown = true;
    await send('contentor', contentor('uploading'), { 'X-Webhook-Signature': signContentorHeader(contentor('uploading'), CONTENTOR_SECRET) }); // 503
    // Fan-out: one injected publish failure (retried), then a poison record (dead-lettered).
    publisher.failNext = 1;
    await localDocClient().send(
      new PutCommand({
        TableName: table.tableName,
        Item: { pk: 'JOB#x#poison', sk: 'EVENT#poison', itemType: 'event', notifyTopic: 'failed', provider: 'nobody', payload: { note: canary } },
      }),
    );
    await poller.drain();
  });
  await h.stop();
  await table.drop();

  expect(statuses).toEqual([200, 200, 200, 200, 401, 401, 400, 400, 404, 413, 503]);
  // The capture really saw the loggers: otherwise "nothing leaked" would prove nothing.
  for (const message of [
    'webhook stored',
    'webhook rejected',
    'webhook failed',
    'notification published',
    'notification failed',
    'event parked: it cannot become a notification',
  ]) {
    expect(output).toContain(message);
  }
  const leaks = [...forbidden].filter(([value]) => output.includes(value)).map(([, what]) => what);
  expect(leaks).toEqual([]);
  // The poison record's payload is logged by no one either.
  expect(output.includes(canary)).toBe(false);
});
