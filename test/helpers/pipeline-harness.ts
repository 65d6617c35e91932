/**
 * The whole delivery path on the emulators, real components only: the receiver (local API Gateway adapter →
 * handler → DynamoEventStore) writes into the table whose DynamoDB Local stream the poller reads for the real fan-out
 * handler, which publishes through SNS (fauxqs) to a subscribed SQS queue. Notifications are handed back as the raw
 * text of the document an SQS subscriber gets, so tests can compare JSON text rather than parsed values.
 */
import type { KeyObject } from 'node:crypto';
import { ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { makeDocumentClient } from '../../lambda/adapters/dynamo-client';
import { DynamoEventStore } from '../../lambda/adapters/dynamo-event-store';
import type { ReceiverDeps } from '../../lambda/handlers/receiver/handler';
import { parseEnvelope, unwrapFauxqsStructure } from '../../local/console-subscriber';
import { dynamoEndpoint, localDynamo } from './aws-local';
import { drainQueue, fanoutHarness, takeDeadLetters } from './fanout-harness';
import { pythonJson } from './python';
import { receiverHarness } from './receiver-harness';
import { rawPost } from '../property/property-harness';

/** Consecutive empty poll rounds that count as "the stream is drained". */
const EMPTY_ROUNDS = 3;

export interface PipelineHarness {
  readonly url: string;
  /** Signs Panjaya deliveries: the receiver trusts its public key. */
  readonly privateKey: KeyObject;
  /** POSTs exact bytes to `/webhooks/<provider>`. */
  post(provider: string, body: Buffer, headers: Record<string, string>): Promise<{ status: number; json: Record<string, unknown> }>;
  /** Runs the stream poller until the stream has nothing new, then takes every notification document (raw text). */
  drain(): Promise<string[]>;
  /** On-failure records the poller sent (a batch it gave up on). */
  deadLetters(): Promise<unknown[]>;
  /** Items in the table, by a Scan (tests only). */
  itemCount(): Promise<number>;
  stop(): Promise<void>;
}

/** The receiver on the fan-out harness's table; `overrides` go to the receiver (e.g. `maxBodyBytes`). */
export async function pipelineHarness(overrides: Partial<ReceiverDeps> = {}): Promise<PipelineHarness> {
  const fan = await fanoutHarness();
  const store = new DynamoEventStore({ client: makeDocumentClient({ endpoint: dynamoEndpoint() }), tableName: fan.table.tableName, retentionDays: 30 });
  const receiver = await receiverHarness({ store, ...overrides });
  const dynamo = localDynamo();
  return {
    url: receiver.url,
    privateKey: receiver.privateKey,
    async post(provider, body, headers) {
      const res = await rawPost(receiver.url, `/webhooks/${provider}`, body, { 'content-type': 'application/json', ...headers });
      let json: Record<string, unknown>;
      try {
        json = JSON.parse(res.text) as Record<string, unknown>;
      } catch {
        json = { raw: res.text };
      }
      return { status: res.status, json };
    },
    async drain() {
      // StreamPoller.drain stops at the first round that reads nothing, but DynamoDB Local's stream can answer one
      // empty GetRecords with records already written (seen after a run of empty reads, e.g. polling a fresh table):
      // only a few empty rounds in a row mean the stream has nothing new.
      for (let empty = 0; empty < EMPTY_ROUNDS; ) empty = (await fan.poller.pollOnce()) > 0 ? 0 : empty + 1;
      // fauxqs does not implement MessageStructure json: it delivers the whole structure where real SNS delivers
      // the `sqs` entry, so the subscriber's document is unwrapped here (docs/ARCHITECTURE.md "Fan-out").
      return drainQueue(fan.sqs, fan.all.queueUrl, (body) => unwrapFauxqsStructure(parseEnvelope(body).Message, 'sqs'));
    },
    deadLetters: () => takeDeadLetters(fan.sqs, fan.dlqUrl),
    async itemCount() {
      let count = 0;
      let start: Record<string, AttributeValue> | undefined;
      do {
        const out = await dynamo.send(new ScanCommand({ TableName: fan.table.tableName, Select: 'COUNT', ExclusiveStartKey: start }));
        count += out.Count ?? 0;
        start = out.LastEvaluatedKey;
      } while (start);
      return count;
    },
    async stop() {
      await receiver.stop();
      await fan.table.drop();
    },
  };
}

/**
 * CPython's `json.dumps(json.loads(text), sort_keys=True)` for each text, in one python3 process: the form Contentor
 * signs envelopes over, computed independently of our serialiser (lambda/core/json/canonical-forms.ts). The recursion limit
 * is raised so CPython itself is not what limits the depth tried (our parser's limit is 1000 levels).
 */
export function cpythonSortedDumps(texts: readonly string[]): string[] {
  if (texts.length === 0) return [];
  const script = [
    'import json, sys',
    'sys.setrecursionlimit(20000)',
    'texts = json.loads(sys.stdin.buffer.read().decode("utf-8"))',
    'sys.stdout.write(json.dumps([json.dumps(json.loads(t), sort_keys=True) for t in texts]))',
  ].join('\n');
  return pythonJson<string[]>(script, JSON.stringify(texts));
}
