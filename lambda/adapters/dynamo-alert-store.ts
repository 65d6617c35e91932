/**
 * AlertStore on the table (own partitions, lambda/contracts/table.ts `keys.alert*`). Every answer the alerts path
 * relies on is a conditional write: a decision is one transaction (mark the event, store the decision, count it in the
 * window while the window is open and, for an alert, under its budget), a rate slot is a put-if-absent, a flush takes
 * its window with a conditional update before it reads the window's decisions.
 */
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { issueLines, itemTypes, keys } from '../contracts';
import type { AlertDecision, AlertStore, DecideInput, DecideOutcome, WindowHead } from '../core/alerts';
import { cancellationCodes, isConditionFailure } from './dynamo-client';

const DecisionSchema = z.object({
  provider: z.string(),
  jobId: z.string(),
  status: z.string(),
  eventType: z.string(),
  eventId: z.string(),
  kind: z.enum(['alert', 'digest']),
  decidedAt: z.string(),
  publishingAt: z.optional(z.string()),
  sentAt: z.optional(z.string()),
  foldedAt: z.optional(z.string()),
});

const HeadSchema = z.object({ sk: z.string(), windowEnd: z.string() });
const MarkSchema = z.object({ window: z.string(), kind: z.enum(['alert', 'digest']) });

/** Concurrent decisions on one window head conflict inside DynamoDB; they are retried, briefly. */
const CONFLICT_RETRY_DELAYS_MS = [20, 50, 100, 200, 400, 800] as const;

export class DynamoAlertStore implements AlertStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async decide(input: DecideInput): Promise<DecideOutcome> {
    for (const delay of [...CONFLICT_RETRY_DELAYS_MS, undefined]) {
      try {
        await this.doc.send(new TransactWriteCommand({ TransactItems: this.decisionWrites(input) }));
        return 'decided';
      } catch (error) {
        const codes = cancellationCodes(error);
        if (!codes) throw error;
        if (codes[0] === 'ConditionalCheckFailed' || codes[1] === 'ConditionalCheckFailed') return 'already-decided';
        if (codes[2] === 'ConditionalCheckFailed') return (await this.isWindowClosed(input.window.start)) ? 'window-closed' : 'budget-spent';
        // TransactionConflict (another decision on the same window head at the same moment): try again.
        if (delay === undefined) throw error;
        await new Promise((resolve) => setTimeout(resolve, delay + Math.floor(Math.random() * delay)));
      }
    }
    throw new Error('unreachable');
  }

  private decisionWrites(input: DecideInput) {
    const { window, facts, kind, at, expiresAt } = input;
    const counter = kind === 'alert' ? 'alerts' : 'digested';
    const open = 'attribute_not_exists(flushClaimedAt) AND attribute_not_exists(flushedAt)';
    return [
      {
        Put: {
          TableName: this.tableName,
          Item: { pk: keys.alertEventMark(facts.eventId), sk: keys.alertEventMarkSort, itemType: itemTypes.alertMark, window: window.start, kind, expiresAt },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Put: {
          TableName: this.tableName,
          Item: {
            pk: keys.alertWindowPartition(window.start),
            sk: keys.alertWindowEvent(facts.eventId),
            itemType: itemTypes.alertDecision,
            ...facts,
            kind,
            decidedAt: at,
            expiresAt,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Update: {
          TableName: this.tableName,
          Key: { pk: keys.alertWindowsPartition, sk: keys.alertWindowHead(window.start) },
          UpdateExpression: 'SET itemType = :type, windowEnd = :end, expiresAt = :exp ADD #counter :one',
          ConditionExpression: kind === 'alert' ? `${open} AND (attribute_not_exists(alerts) OR alerts < :max)` : open,
          ExpressionAttributeNames: { '#counter': counter },
          ExpressionAttributeValues: {
            ':type': itemTypes.alertWindow,
            ':end': window.end,
            ':exp': expiresAt,
            ':one': 1,
            ...(kind === 'alert' ? { ':max': input.perWindow } : {}),
          },
        },
      },
    ];
  }

  private async isWindowClosed(windowStart: string): Promise<boolean> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: keys.alertWindowsPartition, sk: keys.alertWindowHead(windowStart) }, ConsistentRead: true }),
    );
    return out.Item?.flushClaimedAt !== undefined || out.Item?.flushedAt !== undefined;
  }

  async decisionOf(eventId: string): Promise<(AlertDecision & { window: string }) | undefined> {
    const mark = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: keys.alertEventMark(eventId), sk: keys.alertEventMarkSort }, ConsistentRead: true }),
    );
    const parsedMark = MarkSchema.safeParse(mark.Item);
    if (!parsedMark.success) return undefined;
    const decision = await this.getDecision(parsedMark.data.window, eventId);
    return decision && { ...decision, window: parsedMark.data.window };
  }

  private async getDecision(windowStart: string, eventId: string): Promise<AlertDecision | undefined> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: keys.alertWindowPartition(windowStart), sk: keys.alertWindowEvent(eventId) },
        ConsistentRead: true,
      }),
    );
    return out.Item ? parseDecision(out.Item) : undefined;
  }

  async startPublishing(windowStart: string, eventId: string, at: string, staleBefore: string): Promise<boolean> {
    return this.conditionalUpdate(
      { pk: keys.alertWindowPartition(windowStart), sk: keys.alertWindowEvent(eventId) },
      'SET publishingAt = :at',
      // Not folded, not sent, and nobody else publishing it (a retry racing the first attempt): one publish each.
      'attribute_exists(pk) AND attribute_not_exists(foldedAt) AND attribute_not_exists(sentAt) AND (attribute_not_exists(publishingAt) OR publishingAt < :stale)',
      { ':at': at, ':stale': staleBefore },
    );
  }

  async markSent(windowStart: string, eventId: string, at: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: keys.alertWindowPartition(windowStart), sk: keys.alertWindowEvent(eventId) },
        UpdateExpression: 'SET sentAt = :at',
        ExpressionAttributeValues: { ':at': at },
      }),
    );
  }

  async claimSlot(slot: number, expiresAt: number): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: keys.alertRatePartition, sk: keys.alertRateSlot(slot), itemType: itemTypes.alertSlot, expiresAt },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async windowsToFlush(sinceIso: string, endedBy: string): Promise<WindowHead[]> {
    const heads: WindowHead[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          FilterExpression: 'attribute_not_exists(flushedAt) AND windowEnd <= :endedBy',
          ExpressionAttributeValues: {
            ':pk': keys.alertWindowsPartition,
            ':from': keys.alertWindowHead(sinceIso),
            ':to': keys.alertWindowHead(endedBy),
            ':endedBy': endedBy,
          },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of out.Items ?? []) {
        const head = HeadSchema.safeParse(item);
        if (head.success) heads.push({ window: { start: head.data.sk.slice(keys.alertWindowHeadPrefix.length), end: head.data.windowEnd } });
      }
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return heads;
  }

  async claimFlush(windowStart: string, at: string, staleBefore: string): Promise<boolean> {
    return this.conditionalUpdate(
      { pk: keys.alertWindowsPartition, sk: keys.alertWindowHead(windowStart) },
      'SET flushClaimedAt = :at',
      'attribute_exists(pk) AND attribute_not_exists(flushedAt) AND (attribute_not_exists(flushClaimedAt) OR flushClaimedAt < :stale)',
      { ':at': at, ':stale': staleBefore },
    );
  }

  async releaseFlush(windowStart: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: keys.alertWindowsPartition, sk: keys.alertWindowHead(windowStart) },
        UpdateExpression: 'REMOVE flushClaimedAt',
        ConditionExpression: 'attribute_exists(pk)',
      }),
    );
  }

  async decisions(windowStart: string): Promise<AlertDecision[]> {
    const decisions: AlertDecision[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.alertWindowPartition(windowStart) },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of out.Items ?? []) decisions.push(parseDecision(item));
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return decisions;
  }

  async fold(windowStart: string, eventId: string, at: string, staleBefore: string): Promise<'folded' | 'sent' | 'in-flight'> {
    const folded = await this.conditionalUpdate(
      { pk: keys.alertWindowPartition(windowStart), sk: keys.alertWindowEvent(eventId) },
      'SET foldedAt = :at',
      'attribute_exists(pk) AND attribute_not_exists(sentAt) AND (attribute_not_exists(publishingAt) OR publishingAt < :stale)',
      { ':at': at, ':stale': staleBefore },
    );
    if (folded) return 'folded';
    return (await this.getDecision(windowStart, eventId))?.sentAt ? 'sent' : 'in-flight';
  }

  async finishFlush(windowStart: string, at: string, digestTotal: number): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: keys.alertWindowsPartition, sk: keys.alertWindowHead(windowStart) },
        UpdateExpression: digestTotal > 0 ? 'SET flushedAt = :at, digestSentAt = :at, digestTotal = :n' : 'SET flushedAt = :at, digestTotal = :n',
        ExpressionAttributeValues: { ':at': at, ':n': digestTotal },
      }),
    );
  }

  private async conditionalUpdate(key: { pk: string; sk: string }, update: string, condition: string, values: Record<string, unknown>): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({ TableName: this.tableName, Key: key, UpdateExpression: update, ConditionExpression: condition, ExpressionAttributeValues: values }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}

function parseDecision(item: Record<string, unknown>): AlertDecision {
  const parsed = DecisionSchema.safeParse(item);
  if (!parsed.success) throw new Error(`alert decision ${String(item.pk)} ${String(item.sk)} is malformed: ${issueLines(parsed.error.issues).join('; ')}`);
  return parsed.data;
}
