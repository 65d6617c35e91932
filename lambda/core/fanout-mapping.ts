/**
 * The fan-out's DynamoDB event-source mapping settings, one definition: the CDK mapping
 * (lib/constructs/fanout-source.ts) and the local stream poller (local/stream-poller.ts, wired in
 * local/fanout-wiring.ts) both read them, so the local stack retries, bisects and gives up as Lambda does in AWS.
 */
export const fanoutMapping = {
  /** Each record is one SNS publish: a small batch keeps one invocation short and limits what a retry repeats. */
  batchSize: 10,
  /** ReportBatchItemFailures: the handler names the first record to retry; those before it are done. */
  reportBatchItemFailures: true,
  /** BisectBatchOnFunctionError: a batch whose invocation fails is split in two; a split costs no retry. */
  bisectBatchOnError: true,
  /** MaximumRetryAttempts: a record that failed this many retries is a poison record; the shard moves on. */
  retryAttempts: 5,
  /** Notifications older than this are no longer timely; the pending index and the re-drive tool still have them. */
  maxRecordAgeHours: 6,
} as const;
