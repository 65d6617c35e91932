/**
 * The local stand-in for Lambda's DynamoDB event-source mapping: reads DynamoDB Local's real stream through the
 * DynamoDB Streams API, applies the same filter pattern as the CDK mapping (lambda/core/stream-filter.ts), batches,
 * and invokes the fan-out handler with Lambda-shaped `DynamoDBStreamEvent`s (binary attributes as base64 strings,
 * as Lambda's event JSON has them). Failures are handled as Lambda documents for stream sources with the settings
 * of lambda/core/fanout-mapping.ts:
 * - ReportBatchItemFailures: the records before the lowest reported sequence number are done; the rest is retried.
 *   An empty or unknown item identifier fails the whole batch.
 * - BisectBatchOnFunctionError: a batch whose invocation fails (the handler throws) is split in two halves, each
 *   retried on its own; a split does not count as a retry, so a poison record ends up alone.
 * - MaximumRetryAttempts: a batch that failed this many retries is given up on; an on-failure record shaped like
 *   Lambda's (shard, sequence range and stream ARN, not the records) goes to the SQS on-failure queue and the shard
 *   moves on with the next records.
 * Not emulated: parallelisation, batching windows, record age limits.
 */
import { randomUUID } from 'node:crypto';
import {
  DescribeStreamCommand,
  ExpiredIteratorException,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  TrimmedDataAccessException,
  GetShardIteratorCommand,
  type _Record as StreamsRecord,
  type AttributeValue as StreamsAttributeValue,
  type DynamoDBStreamsClient,
  type Shard,
} from '@aws-sdk/client-dynamodb-streams';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { AttributeValue, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { fanoutMapping } from '../lambda/core/fanout-mapping';
import { matchesStreamFilter } from '../lambda/core/stream-filter';

export type StreamHandler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | undefined>;

/** Options for {@link StreamPoller}. */
export interface StreamPollerOptions {
  readonly streams: DynamoDBStreamsClient;
  readonly streamArn: string;
  readonly handler: StreamHandler;
  /** Most records per invocation (after filtering). @default the fan-out mapping's (lambda/core/fanout-mapping.ts) */
  readonly batchSize?: number;
  /** Pause after a round that found no records. @default 200 */
  readonly pollIntervalMs?: number;
  /**
   * Retries of a failed batch (Lambda's MaximumRetryAttempts) before it goes to the on-failure queue; bisecting does
   * not count. @default the fan-out mapping's (lambda/core/fanout-mapping.ts)
   */
  readonly maxRetries?: number;
  /** Split a batch in two when the handler throws (Lambda's BisectBatchOnFunctionError). @default the fan-out mapping's */
  readonly bisectBatchOnError?: boolean;
  /** Where reading starts in shards that exist at start; shards found later are read from their start. @default TRIM_HORIZON */
  readonly startingPosition?: 'TRIM_HORIZON' | 'LATEST';
  /** The on-failure destination. Without one, exhausted records are logged and skipped, as Lambda does. */
  readonly onFailure?: { readonly sqs: SQSClient; readonly queueUrl: string };
  /** Shown in on-failure records. @default a local placeholder ARN */
  readonly functionArn?: string;
  /** @default `matchesStreamFilter`, the pattern the CDK mapping uses */
  readonly filter?: (record: DynamoDBRecord) => boolean;
  /** @default console.error for warnings and errors, nothing for info */
  readonly log?: (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;
}

/** Lambda's on-failure destination record for a DynamoDB stream source. */
export interface StreamFailureRecord {
  requestContext: { requestId: string; functionArn: string; condition: 'RetryAttemptsExhausted'; approximateInvokeCount: number };
  responseContext: { statusCode: number; executedVersion: string; functionError?: string };
  version: '1.0';
  timestamp: string;
  DDBStreamBatchInfo: {
    shardId: string;
    startSequenceNumber: string;
    endSequenceNumber: string;
    approximateArrivalOfFirstRecord: string;
    approximateArrivalOfLastRecord: string;
    batchSize: number;
    streamArn: string;
  };
}

/** Records on their way to the handler, with what they have been through so far. */
interface PendingBatch {
  readonly records: DynamoDBRecord[];
  /** Failed invocations that counted as retries (bisecting does not). */
  readonly retries: number;
  /** Invocations that included these records: the on-failure record's approximateInvokeCount. */
  readonly invocations: number;
}

type InvokeOutcome =
  | { readonly kind: 'done' }
  | { readonly kind: 'bisect'; readonly halves: PendingBatch[] }
  | { readonly kind: 'retry'; readonly batch: PendingBatch; readonly functionError?: string };

interface ShardState {
  readonly id: string;
  readonly parentId?: string;
  iterator?: string;
  lastSequenceNumber?: string;
  closed: boolean;
}

/** SDK attribute values -> the Lambda event's JSON form (binaries as base64 strings). */
function toLambdaAttribute(value: StreamsAttributeValue): AttributeValue {
  if (value.B !== undefined) return { B: Buffer.from(value.B).toString('base64') };
  if (value.BS !== undefined) return { BS: value.BS.map((b) => Buffer.from(b).toString('base64')) };
  if (value.M !== undefined) return { M: toLambdaImage(value.M) ?? {} };
  if (value.L !== undefined) return { L: value.L.map(toLambdaAttribute) };
  return value as AttributeValue;
}

function toLambdaImage(image: Record<string, StreamsAttributeValue> | undefined): Record<string, AttributeValue> | undefined {
  if (!image) return undefined;
  return Object.fromEntries(Object.entries(image).map(([k, v]) => [k, toLambdaAttribute(v)]));
}

/** One Streams API record in the shape Lambda delivers it. */
export function toLambdaRecord(record: StreamsRecord, streamArn: string): DynamoDBRecord {
  const d = record.dynamodb ?? {};
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion,
    eventSource: 'aws:dynamodb',
    awsRegion: record.awsRegion,
    eventSourceARN: streamArn,
    dynamodb: {
      // Lambda sends epoch seconds; the SDK parses the API's number into a Date.
      ApproximateCreationDateTime: d.ApproximateCreationDateTime ? Math.floor(d.ApproximateCreationDateTime.getTime() / 1000) : undefined,
      Keys: toLambdaImage(d.Keys),
      NewImage: toLambdaImage(d.NewImage),
      OldImage: toLambdaImage(d.OldImage),
      SequenceNumber: d.SequenceNumber,
      SizeBytes: d.SizeBytes,
      StreamViewType: d.StreamViewType,
    },
  };
}

/** Records per GetRecords call (the API's maximum); the filtered ones are then cut into batches of `batchSize`. */
const GET_RECORDS_LIMIT = 1000;

const arrival = (record: DynamoDBRecord | undefined) =>
  new Date((record?.dynamodb?.ApproximateCreationDateTime ?? Date.now() / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

export class StreamPoller {
  private readonly shards = new Map<string, ShardState>();
  private described = false;
  private describedAt = 0;
  private needDescribe = true;
  private serial: Promise<unknown> = Promise.resolve();
  private loop: Promise<void> | undefined;
  private stopping = false;
  private wake: (() => void) | undefined;
  /** Sent on-failure records, for the log and tests. */
  readonly failureRecords: StreamFailureRecord[] = [];

  constructor(private readonly options: StreamPollerOptions) {}

  /** Polls in the background until {@link stop}. */
  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.loop = (async () => {
      while (!this.stopping) {
        try {
          if ((await this.pollOnce()) > 0) continue;
        } catch (error) {
          this.log('error', 'stream poll failed', { error: error instanceof Error ? error.message : String(error) });
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.options.pollIntervalMs ?? 200);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
    this.loop = undefined;
  }

  /** Reads until every shard has nothing new, delivering as it goes. For tests and tools. */
  async drain(): Promise<void> {
    while ((await this.pollOnce()) > 0);
  }

  /** One round over the shards; resolves to the number of stream records read (filtered out ones included). */
  pollOnce(): Promise<number> {
    const round = this.serial.then(() => this.round());
    this.serial = round.catch(() => undefined);
    return round;
  }

  private log(level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>): void {
    if (this.options.log) this.options.log(level, message, fields);
    else if (level !== 'info') console.error(`[stream-poller] ${message}`, fields ?? '');
  }

  private async round(): Promise<number> {
    // New shards appear when one closes (and DynamoDB rolls shards over every few hours): look again then.
    if (this.needDescribe || Date.now() - this.describedAt > 5000) await this.describe();
    let read = 0;
    for (const shard of this.shards.values()) {
      if (shard.closed) continue;
      const parent = shard.parentId ? this.shards.get(shard.parentId) : undefined;
      if (parent && !parent.closed) continue; // a child shard waits for its parent, keeping per-item order
      read += await this.readShard(shard);
    }
    return read;
  }

  private async describe(): Promise<void> {
    const shards: Shard[] = [];
    let start: string | undefined;
    do {
      const out = await this.options.streams.send(new DescribeStreamCommand({ StreamArn: this.options.streamArn, ExclusiveStartShardId: start }));
      shards.push(...(out.StreamDescription?.Shards ?? []));
      start = out.StreamDescription?.LastEvaluatedShardId;
    } while (start);
    const initial = !this.described;
    for (const shard of shards) {
      if (!shard.ShardId || this.shards.has(shard.ShardId)) continue;
      const type = initial ? (this.options.startingPosition ?? 'TRIM_HORIZON') : 'TRIM_HORIZON';
      this.shards.set(shard.ShardId, { id: shard.ShardId, parentId: shard.ParentShardId, closed: false, iterator: await this.iterator(shard.ShardId, type) });
    }
    this.described = true;
    this.describedAt = Date.now();
    this.needDescribe = this.shards.size === 0;
  }

  private async iterator(shardId: string, type: 'TRIM_HORIZON' | 'LATEST' | 'AFTER_SEQUENCE_NUMBER', sequenceNumber?: string): Promise<string | undefined> {
    try {
      const out = await this.options.streams.send(
        new GetShardIteratorCommand({ StreamArn: this.options.streamArn, ShardId: shardId, ShardIteratorType: type, SequenceNumber: sequenceNumber }),
      );
      return out.ShardIterator;
    } catch (error) {
      if (!(error instanceof TrimmedDataAccessException) || type === 'TRIM_HORIZON') throw error;
      return this.fromTrimHorizon(shardId);
    }
  }

  /**
   * The position asked for is older than what the stream still holds (DynamoDB Local reports this after a restart
   * over persisted data, as AWS does past 24 h): carry on from the oldest record there is, as Lambda does, rather
   * than asking for the same gone position forever.
   */
  private async fromTrimHorizon(shardId: string): Promise<string | undefined> {
    this.log('warn', 'stream position trimmed; continuing from the oldest available record', { shardId });
    return this.iterator(shardId, 'TRIM_HORIZON');
  }

  private async readShard(shard: ShardState): Promise<number> {
    if (!shard.iterator) {
      shard.closed = true;
      this.needDescribe = true;
      return 0;
    }
    let out: GetRecordsCommandOutput;
    try {
      out = await this.options.streams.send(new GetRecordsCommand({ ShardIterator: shard.iterator, Limit: GET_RECORDS_LIMIT }));
    } catch (error) {
      if (error instanceof TrimmedDataAccessException) {
        shard.iterator = await this.fromTrimHorizon(shard.id);
        return 0;
      }
      if (!(error instanceof ExpiredIteratorException)) throw error;
      // Iterators expire after 15 minutes: continue right after the last record handled.
      shard.iterator = shard.lastSequenceNumber
        ? await this.iterator(shard.id, 'AFTER_SEQUENCE_NUMBER', shard.lastSequenceNumber)
        : await this.iterator(shard.id, 'TRIM_HORIZON');
      return 0;
    }
    const records = out.Records ?? [];
    shard.iterator = out.NextShardIterator;
    if (!shard.iterator) {
      shard.closed = true;
      this.needDescribe = true;
    }
    if (records.length === 0) return 0;
    const filter = this.options.filter ?? matchesStreamFilter;
    const batch = records.map((r) => toLambdaRecord(r, this.options.streamArn)).filter((r) => filter(r));
    if (batch.length > 0) await this.deliver(shard.id, batch);
    shard.lastSequenceNumber = records[records.length - 1]?.dynamodb?.SequenceNumber ?? shard.lastSequenceNumber;
    return records.length;
  }

  /** Invokes the handler batch by batch: retries, bisects, and sends what exhausted its retries to the on-failure queue. */
  private async deliver(shardId: string, records: DynamoDBRecord[]): Promise<void> {
    const batchSize = Math.max(1, this.options.batchSize ?? fanoutMapping.batchSize);
    // Oldest first; a bisected batch puts its two halves back in front, so records stay in stream order.
    const work: PendingBatch[] = [];
    for (let i = 0; i < records.length; i += batchSize) work.push({ records: records.slice(i, i + batchSize), retries: 0, invocations: 0 });
    for (let batch = work.shift(); batch; batch = work.shift()) {
      const next = await this.invoke(shardId, batch);
      if (next.kind === 'done') continue;
      if (next.kind === 'bisect') {
        work.unshift(...next.halves);
        continue;
      }
      if (next.batch.retries > (this.options.maxRetries ?? fanoutMapping.retryAttempts)) {
        await this.sendFailure(shardId, next.batch.records, next.batch.invocations, next.functionError);
        continue;
      }
      this.log('warn', 'retrying stream batch', {
        shardId,
        retry: next.batch.retries,
        from: next.batch.records[0]?.dynamodb?.SequenceNumber,
        records: next.batch.records.length,
      });
      work.unshift(next.batch);
    }
  }

  /** One invocation and what Lambda would do next with that batch. */
  private async invoke(shardId: string, batch: PendingBatch): Promise<InvokeOutcome> {
    const { records } = batch;
    const invocations = batch.invocations + 1;
    let response: DynamoDBBatchResponse | undefined;
    try {
      response = await this.options.handler({ Records: records });
    } catch (error) {
      this.log('error', 'fan-out handler threw', { shardId, records: records.length, error: error instanceof Error ? error.message : String(error) });
      const bisect = this.options.bisectBatchOnError ?? fanoutMapping.bisectBatchOnError;
      if (bisect && records.length > 1) {
        const middle = Math.ceil(records.length / 2);
        return {
          kind: 'bisect',
          halves: [records.slice(0, middle), records.slice(middle)].map((part) => ({ records: part, retries: batch.retries, invocations })),
        };
      }
      return { kind: 'retry', batch: { records, retries: batch.retries + 1, invocations }, functionError: 'Unhandled' };
    }
    const failures = response?.batchItemFailures ?? [];
    if (failures.length === 0) return { kind: 'done' };
    const indexes = failures.map((f) => (f.itemIdentifier ? records.findIndex((r) => r.dynamodb?.SequenceNumber === f.itemIdentifier) : -1));
    // Lambda checkpoints before the lowest failed sequence number; an empty or unknown identifier fails the whole batch.
    const failedFrom = indexes.some((i) => i < 0) ? 0 : Math.min(...indexes);
    return { kind: 'retry', batch: { records: records.slice(failedFrom), retries: batch.retries + 1, invocations } };
  }

  private async sendFailure(shardId: string, records: DynamoDBRecord[], invokeCount: number, functionError: string | undefined): Promise<void> {
    const first = records[0];
    const last = records[records.length - 1];
    const record: StreamFailureRecord = {
      requestContext: {
        requestId: randomUUID(),
        functionArn: this.options.functionArn ?? 'arn:aws:lambda:us-east-1:000000000000:function:local-fanout',
        condition: 'RetryAttemptsExhausted',
        approximateInvokeCount: invokeCount,
      },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', ...(functionError ? { functionError } : {}) },
      version: '1.0',
      timestamp: new Date().toISOString(),
      DDBStreamBatchInfo: {
        shardId,
        startSequenceNumber: first?.dynamodb?.SequenceNumber ?? '',
        endSequenceNumber: last?.dynamodb?.SequenceNumber ?? '',
        approximateArrivalOfFirstRecord: arrival(first),
        approximateArrivalOfLastRecord: arrival(last),
        batchSize: records.length,
        streamArn: this.options.streamArn,
      },
    };
    this.failureRecords.push(record);
    this.log('error', 'stream records skipped after retries', { ...record.DDBStreamBatchInfo });
    if (this.options.onFailure) {
      await this.options.onFailure.sqs.send(new SendMessageCommand({ QueueUrl: this.options.onFailure.queueUrl, MessageBody: JSON.stringify(record) }));
    }
  }
}
