/**
 * The re-drive's logic, apart from argument parsing, so the CLI (`npm run redrive`) and the console run the same
 * code: terminal events still carrying the pending-index keys (the sparse `pendingNotifications` index, no Scan),
 * older than a given age so the live fan-out is not raced, published each through the fan-out's own
 * `publishIfPending` (same builder, publisher and ledger mark: nothing notified twice) and, with the job-alerts topic,
 * alerted through the fan-out's alert step; and a peek at the fan-out's dead-letter queue that leaves its messages
 * in place.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ChangeMessageVisibilityBatchCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { DynamoJobQueries } from '../../lambda/adapters/dynamo-job-queries';
import { JOBS_COMMAND_HINTS } from '../../lambda/contracts';
import { alertEvent } from '../../lambda/core/alerts';
import { publishIfPending, type FanoutAlerts, type NotificationLedger } from '../../lambda/core/fanout';
import type { NotificationPublisher } from '../../lambda/core/ports';

/** A failure record from the dead-letter queue, reduced to what it points at. */
export interface DlqEntry {
  messageId: string;
  condition?: string;
  timestamp?: string;
  shardId?: string;
  startSequenceNumber?: string;
  endSequenceNumber?: string;
  batchSize?: number;
  streamArn?: string;
  /** Set when the message is not a stream failure record. */
  unreadable?: string;
}

export interface RedriveReport {
  beforeIso: string;
  executed: boolean;
  pending: Array<{ eventId: string; provider: string; jobId: string; status: string; eventType: string; receivedAt: string; undeliverable?: string }>;
  invalid: Array<{ pk: string; sk: string; reason: string }>;
  published: string[];
  skipped: string[];
  failed: Array<{ eventId: string; reason: string }>;
  /** With the job-alerts topic: published events alerted on their own, left for their window's digest, or whose alert step failed. */
  alerted: string[];
  digested: string[];
  alertFailed: Array<{ eventId: string; reason: string }>;
  deadLetters: DlqEntry[];
}

export interface RedriveDeps {
  readonly doc: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly ledger: NotificationLedger;
  /** Needed only with `execute`. */
  readonly publisher?: NotificationPublisher;
  readonly sqs?: SQSClient;
  readonly jobsCommandHint?: string;
  readonly now?: () => Date;
  /**
   * People's alerts for what the re-drive publishes, as the fan-out would have sent them (same budget, windows and
   * digests; an event already decided is not alerted again). Absent: systems messages only.
   */
  readonly alerts?: FanoutAlerts;
}

export interface RedriveOptions {
  readonly olderThanMs: number;
  readonly execute: boolean;
  readonly limit?: number;
  readonly dlqUrl?: string;
  /** Only these events (the console's selection); absent = every pending event old enough. */
  readonly eventIds?: readonly string[];
  /**
   * Parked events of any age too: the fan-out has given up on them, so no live attempt can be raced (the console
   * re-drives one it just saw parked). Pending events that are not parked still wait `olderThanMs`.
   */
  readonly parkedOfAnyAge?: boolean;
}

/** Peeks at every message of the queue (receive, then make visible again at once), without deleting any. */
export async function readDeadLetters(sqs: SQSClient, queueUrl: string): Promise<DlqEntry[]> {
  const seen = new Map<string, DlqEntry>();
  const handles: string[] = [];
  for (;;) {
    const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 60, WaitTimeSeconds: 0 }));
    const messages = (out.Messages ?? []).filter((m) => m.MessageId && !seen.has(m.MessageId));
    if (messages.length === 0) break;
    for (const message of messages) {
      const messageId = message.MessageId ?? '';
      if (message.ReceiptHandle) handles.push(message.ReceiptHandle);
      try {
        const body = JSON.parse(message.Body ?? '') as {
          requestContext?: { condition?: string };
          timestamp?: string;
          DDBStreamBatchInfo?: Omit<DlqEntry, 'messageId'>;
        };
        const info = body.DDBStreamBatchInfo;
        if (!info) throw new Error('no DDBStreamBatchInfo');
        seen.set(messageId, {
          messageId,
          condition: body.requestContext?.condition,
          timestamp: body.timestamp,
          shardId: info.shardId,
          startSequenceNumber: info.startSequenceNumber,
          endSequenceNumber: info.endSequenceNumber,
          batchSize: info.batchSize,
          streamArn: info.streamArn,
        });
      } catch (error) {
        seen.set(messageId, { messageId, unreadable: error instanceof Error ? error.message : String(error) });
      }
    }
  }
  // Leave the queue as we found it: the messages are an operator's record, and its alarm keeps pointing at them.
  for (let i = 0; i < handles.length; i += 10) {
    const entries = handles.slice(i, i + 10).map((ReceiptHandle, n) => ({ Id: String(n), ReceiptHandle, VisibilityTimeout: 0 }));
    await sqs.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
  }
  return [...seen.values()];
}

export async function runRedrive(options: RedriveOptions, deps: RedriveDeps): Promise<RedriveReport> {
  const now = deps.now?.() ?? new Date();
  const beforeIso = new Date(now.getTime() - options.olderThanMs).toISOString();
  const found = await new DynamoJobQueries({ client: deps.doc, tableName: deps.tableName }).pendingNotificationsReport(
    options.parkedOfAnyAge ? now.toISOString() : beforeIso,
    options.limit ?? Number.POSITIVE_INFINITY,
  );
  const { invalid } = found;
  const chosen = options.eventIds === undefined ? undefined : new Set(options.eventIds);
  const items = found.items.filter(
    (item) => (item.receivedAt < beforeIso || item.undeliverable !== undefined) && (chosen === undefined || chosen.has(item.eventId)),
  );
  const report: RedriveReport = {
    beforeIso,
    executed: options.execute,
    pending: items.map(({ eventId, provider, jobId, status, eventType, receivedAt, undeliverable }) => ({
      eventId,
      provider,
      jobId,
      status,
      eventType,
      receivedAt,
      // Parked by the fan-out: why it could not become a message (a re-drive tries again, e.g. after a fix).
      ...(undeliverable === undefined ? {} : { undeliverable }),
    })),
    invalid,
    published: [],
    skipped: [],
    failed: [],
    alerted: [],
    digested: [],
    alertFailed: [],
    deadLetters: deps.sqs && options.dlqUrl ? await readDeadLetters(deps.sqs, options.dlqUrl) : [],
  };
  if (!options.execute) return report;
  const { publisher } = deps;
  if (!publisher) throw new Error('--execute needs the topic ARNs (SucceededTopicArn, FailedTopicArn in the outputs file)');
  for (const item of items) {
    try {
      const result = await publishIfPending(item, {
        publisher,
        ledger: deps.ledger,
        jobsCommandHint: deps.jobsCommandHint ?? JOBS_COMMAND_HINTS.local,
        now: deps.now,
      });
      (result.outcome === 'published' ? report.published : report.skipped).push(item.eventId);
    } catch (error) {
      report.failed.push({ eventId: item.eventId, reason: error instanceof Error ? error.message : String(error) });
      continue;
    }
    if (!deps.alerts) continue;
    try {
      const outcome = await alertEvent(item, {
        store: deps.alerts.store,
        publisher,
        settings: deps.alerts.settings,
        jobsCommandHint: deps.jobsCommandHint ?? JOBS_COMMAND_HINTS.local,
        now: deps.now ?? (() => new Date()),
      });
      if (outcome === 'alerted') report.alerted.push(item.eventId);
      if (outcome === 'digested' || outcome === 'unpaced') report.digested.push(item.eventId);
    } catch (error) {
      report.alertFailed.push({ eventId: item.eventId, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  return report;
}

export function formatReport(report: RedriveReport): string {
  const lines = [
    report.executed ? 'Re-drive (--execute): publishing what is pending.' : 'Dry run: nothing is published (add --execute to publish).',
    `Terminal events not notified, received before ${report.beforeIso}: ${report.pending.length}`,
  ];
  for (const p of report.pending) {
    lines.push(`  ${p.receivedAt}  ${p.provider.padEnd(9)} ${p.status.padEnd(9)} ${p.eventType.padEnd(24)} ${p.jobId}  (event ${p.eventId})`);
    if (p.undeliverable !== undefined) lines.push(`      parked: ${p.undeliverable}`);
  }
  for (const i of report.invalid) lines.push(`  not an event item, left alone: ${i.pk} ${i.sk}: ${i.reason}`);
  if (report.executed) {
    lines.push(`Published ${report.published.length}, already notified meanwhile ${report.skipped.length}, failed ${report.failed.length}.`);
    for (const f of report.failed) lines.push(`  failed ${f.eventId}: ${f.reason}`);
    if (report.alerted.length + report.digested.length + report.alertFailed.length > 0)
      lines.push(`People: alerted ${report.alerted.length}, left for a digest ${report.digested.length}, alert failed ${report.alertFailed.length}.`);
    for (const f of report.alertFailed) lines.push(`  alert failed ${f.eventId}: ${f.reason}`);
  } else if (report.pending.length > 0) {
    lines.push('Dry run: nothing published. Add --execute to publish them.');
  }
  lines.push(`Dead-letter queue: ${report.deadLetters.length} failure record(s)`);
  for (const d of report.deadLetters) {
    if (d.unreadable) lines.push(`  ${d.messageId}: not a stream failure record (${d.unreadable})`);
    else
      lines.push(
        `  ${d.timestamp ?? '?'}  ${d.condition ?? '?'}  shard ${d.shardId}  sequence ${d.startSequenceNumber}..${d.endSequenceNumber} (${d.batchSize} record(s))  ${d.streamArn}`,
      );
  }
  if (report.deadLetters.length > 0) {
    lines.push('  Their events stay pending in the table until notified: the list above covers them once old enough.');
  }
  return `${lines.join('\n')}\n`;
}
