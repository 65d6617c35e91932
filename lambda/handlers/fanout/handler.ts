/**
 * Fan-out function: DynamoDB stream batches (already narrowed by the event-source mapping's filter to new terminal
 * event items) -> SNS, with partial batch failure reporting. Thin: decoding here, rules in core/fanout.ts.
 */
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { metricNames } from '../../contracts';
import type { Telemetry } from '../../adapters/telemetry';
import { fanOut, type FanoutDeps, type FanoutRecord, type FanoutResult } from '../../core/fanout';

/** What the handler needs; tests and the local stack pass real local clients or fault-injecting wrappers. */
export interface FanoutHandlerDeps extends Omit<FanoutDeps, 'log' | 'now'> {
  readonly telemetry: Telemetry;
}

/**
 * Reads the NewImage's top-level scalars (S, N, B) that the receiver wrote, and nothing else: no map or list of the
 * image is decoded, so no shape in it can throw or turn into a number. Lambda hands B values over base64-encoded;
 * the SDK's own stream client (the local poller) hands Uint8Array.
 */
export function toFanoutRecord(record: DynamoDBRecord): FanoutRecord {
  const sequenceNumber = record.dynamodb?.SequenceNumber ?? '';
  const image = record.dynamodb?.NewImage as Record<string, { S?: unknown; N?: unknown; B?: unknown }> | undefined;
  if (!image) return { sequenceNumber, image: undefined, decodeError: 'record has no NewImage' };
  const plain: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(image)) {
    if (typeof value?.S === 'string') plain[name] = value.S;
    else if (typeof value?.N === 'string') plain[name] = Number(value.N);
    else if (typeof value?.B === 'string') plain[name] = Buffer.from(value.B, 'base64');
    else if (value?.B instanceof Uint8Array) plain[name] = value.B;
  }
  const key = typeof plain.pk === 'string' && typeof plain.sk === 'string' ? { pk: plain.pk, sk: plain.sk } : undefined;
  return { sequenceNumber, image: plain, ...(key ? { key } : {}) };
}

export function makeFanoutHandler(deps: FanoutHandlerDeps) {
  const { logger } = deps.telemetry;
  const log = {
    info: (message: string, fields: Record<string, unknown> = {}) => logger.info(message, fields),
    warn: (message: string, fields: Record<string, unknown> = {}) => logger.warn(message, fields),
    error: (message: string, fields: Record<string, unknown> = {}) => logger.error(message, fields),
  };
  return async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    const result = await fanOut(event.Records.map(toFanoutRecord), { ...deps, log });
    for (const outcome of result.outcomes) {
      if (outcome.outcome === 'published') deps.telemetry.count(metricNames.notified);
      if (outcome.outcome === 'failed') deps.telemetry.count(metricNames.notifyFailed);
      if (outcome.outcome === 'parked') deps.telemetry.count(metricNames.notifyParked);
    }
    countAlerts(deps.telemetry, result);
    deps.telemetry.flush();
    return { batchItemFailures: result.failures.map((itemIdentifier) => ({ itemIdentifier })) };
  };
}

/** Alert-step metrics: AlertFailed is alarmed (lib/constructs/monitoring.ts). */
export function countAlerts(telemetry: Telemetry, result: Pick<FanoutResult, 'alerts' | 'digests' | 'digestFailures'>): void {
  for (const alert of result.alerts) {
    if (alert.outcome === 'alerted') telemetry.count(metricNames.alertPublished);
    if (alert.outcome === 'digested' || alert.outcome === 'unpaced') telemetry.count(metricNames.alertDigested);
    if (alert.outcome === 'failed') telemetry.count(metricNames.alertFailed);
  }
  for (const digest of result.digests) if (digest.outcome === 'sent') telemetry.count(metricNames.digestPublished);
  for (const _ of result.digestFailures) telemetry.count(metricNames.alertFailed);
}
