/**
 * The receiver's ingest and the fan-out handler, in this process, against a bench table: the same code and wiring
 * as in Lambda, with DynamoDB capacity metered (the store reports it; the ledger's client gets a middleware that
 * asks for ReturnConsumedCapacity on every request) and SNS publishes counted.
 */
import type { DynamoDBRecord } from 'aws-lambda';
import type { ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ALERTS_TOPIC, envNames, JOBS_COMMAND_HINTS } from '../lambda/contracts';
import { builtInTrustEnv } from '../lambda/config/provider-env';
import { DynamoAlertStore } from '../lambda/adapters/dynamo-alert-store';
import { DEFAULT_ALERT_SETTINGS } from '../lambda/core/alerts';
import { makeDocumentClient } from '../lambda/adapters/dynamo-client';
import type { DynamoStoreOutcome } from '../lambda/adapters/dynamo-event-store';
import type { ReceiverEnvInput } from '../lambda/config/receiver-env';
import { DynamoNotificationLedger } from '../lambda/adapters/notification-ledger';
import { SnsNotificationPublisher } from '../lambda/adapters/sns-publisher';
import { makeTelemetry } from '../lambda/adapters/telemetry';
import { ingest, type IngestResult } from '../lambda/core/ingest';
import { receiverDepsFromEnv } from '../lambda/handlers/receiver/deps';
import { makeFanoutHandler } from '../lambda/handlers/fanout/handler';
import type { BenchStack } from './stack';
import type { BenchTrust, Delivery } from './fixtures';

/** Read and write units a client consumed. */
export interface CapacityCount {
  writeUnits: number;
  readUnits: number;
}

/** Adds ReturnConsumedCapacity=TOTAL to every request of `client` and sums what comes back into `count`. */
export function meterCapacity(client: DynamoDBDocumentClient, count: CapacityCount): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      (args.input as { ReturnConsumedCapacity?: string }).ReturnConsumedCapacity = 'TOTAL';
      const result = await next(args);
      // Transactions (and batches) answer with one entry per table: an array.
      const consumed = (result.output as { ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] }).ConsumedCapacity;
      const units = (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []).reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
      if (/^(Get|Query|Scan|BatchGet)/.test(context.commandName ?? '')) count.readUnits += units;
      else count.writeUnits += units;
      return result;
    },
    { step: 'initialize', name: 'benchCapacityMeter' },
  );
}

/** One stored delivery with what it cost in the table. */
export interface DirectIngestResult {
  readonly result: IngestResult;
  readonly stored?: DynamoStoreOutcome;
}

/** The receiver's environment for a bench table (local secrets instead of Secrets Manager). */
export function receiverEnv(stack: BenchStack, trust: BenchTrust, tableName: string): ReceiverEnvInput {
  return {
    [envNames.tableName]: tableName,
    [envNames.dynamoDbEndpoint]: stack.dynamoEndpoint,
    ...builtInTrustEnv({ panjaya: trust.panjayaPublicKeyPem, contentor: trust.contentorSecret }),
  };
}

/** `ingest` exactly as the receiver runs it, with the store's own capacity report kept. */
export function directIngest(stack: BenchStack, trust: BenchTrust, tableName: string): (delivery: Delivery) => Promise<DirectIngestResult> {
  const deps = receiverDepsFromEnv(receiverEnv(stack, trust, tableName));
  const store = deps.store;
  return async (delivery) => {
    let stored: DynamoStoreOutcome | undefined;
    const result = await ingest(
      { providerName: delivery.provider, body: delivery.body, isBase64Encoded: false, headers: delivery.headers },
      { ...deps, store: { store: async (event, receivedAt) => (stored = await store.store(event, receivedAt)) } },
    );
    return { result, stored };
  };
}

/**
 * The fan-out handler wired to a bench table, its ledger metered and its publishes counted. The alerts path runs as
 * deployed (default budget) with its own metered client, so its cost is reported apart from the systems path's.
 */
export function directFanout(stack: BenchStack, tableName: string) {
  const capacity: CapacityCount = { writeUnits: 0, readUnits: 0 };
  const alertCapacity: CapacityCount = { writeUnits: 0, readUnits: 0 };
  const doc = makeDocumentClient({ endpoint: stack.dynamoEndpoint });
  meterCapacity(doc, capacity);
  const alertDoc = makeDocumentClient({ endpoint: stack.dynamoEndpoint });
  meterCapacity(alertDoc, alertCapacity);
  const sns = new SnsNotificationPublisher(stack.sns, stack.topics);
  const counts = { publishes: 0, invocations: 0, alertPublishes: 0 };
  const handler = makeFanoutHandler({
    publisher: {
      publish: async (notification) => {
        if (notification.topic === ALERTS_TOPIC) counts.alertPublishes += 1;
        else counts.publishes += 1;
        await sns.publish(notification);
      },
    },
    ledger: new DynamoNotificationLedger(doc, tableName),
    jobsCommandHint: JOBS_COMMAND_HINTS.local,
    telemetry: makeTelemetry('fanout'),
    alerts: { store: new DynamoAlertStore(alertDoc, tableName), settings: DEFAULT_ALERT_SETTINGS },
  });
  return {
    capacity,
    alertCapacity,
    counts,
    /** One invocation per record (the low-traffic case: a batch of one). */
    async invoke(record: DynamoDBRecord) {
      counts.invocations += 1;
      return handler({ Records: [record] });
    },
  };
}
