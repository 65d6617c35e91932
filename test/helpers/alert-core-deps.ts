/**
 * What alertEvent and flushClosedWindows (lambda/core/alerts) need, around the real DynamoAlertStore on a test table:
 * a clock the test sets, whose sleep moves it forward (so the pacing never waits in real time), and a publisher that
 * records what it was asked to publish (SNS itself is tested through the SNS adapter elsewhere). Each scenario starts
 * in its own stretch of time, a month after the last, so its windows and rate slots are its own.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoAlertStore } from '../../lambda/adapters/dynamo-alert-store';
import { type AlertKind, type AlertSettings, type AlertWindow, windowAt } from '../../lambda/core/alerts';
import { type AlertDeps, expiresAtFor, factsOf } from '../../lambda/core/alerts/alert-event';
import type { EventItem } from '../../lambda/core/items';
import type { NotificationPublisher, OutgoingNotification } from '../../lambda/core/ports';
import { createTestTable, localDocClient } from './aws-local';

/** The contract document of a published alert or digest (its `default` rendering). */
export type PublishedDocument = Record<string, unknown> & { kind: 'alert' | 'digest' };

export class RecordingPublisher implements NotificationPublisher {
  readonly published: OutgoingNotification[] = [];
  async publish(notification: OutgoingNotification): Promise<void> {
    this.published.push(notification);
  }
  get documents(): PublishedDocument[] {
    return this.published.map((n) => JSON.parse((JSON.parse(n.message) as { default: string }).default) as PublishedDocument);
  }
}

export async function alertTable() {
  const doc = localDocClient();
  const table = await createTestTable();
  const store = new DynamoAlertStore(doc, table.tableName);
  const item = async (pk: string, sk: string) =>
    (await doc.send(new GetCommand({ TableName: table.tableName, Key: { pk, sk }, ConsistentRead: true }))).Item as Record<string, unknown> | undefined;
  /** A decision another attempt made, on this table (decideDirectly). */
  const decide = (window: AlertWindow, item: EventItem, kind: AlertKind, atMs: number) => decideDirectly(store, window, item, kind, atMs);
  return { doc, table, store, item, decide };
}

export const iso = (ms: number): string => new Date(ms).toISOString();
/** The 60 s window holding `ms` (the scenarios' window length). */
export const window60 = (ms: number): AlertWindow => windowAt(ms, 60);

let epoch = Date.parse('2033-01-01T00:00:00.000Z');

/** A scenario's clock and deps, starting at the beginning of a fresh minute (a window of 60 s starts there). */
export function scenario(store: DynamoAlertStore, settings: Partial<AlertSettings> = {}, publisher = new RecordingPublisher()) {
  epoch += 30 * 86_400_000;
  const clock = { now: epoch };
  const deps: AlertDeps = {
    store,
    publisher,
    settings: { statuses: new Set(['failed', 'stalled']), perWindow: 2, windowSeconds: 60, ...settings },
    jobsCommandHint: 'jobs get',
    now: () => new Date(clock.now),
    sleep: async (ms: number) => {
      clock.now += ms;
    },
  };
  return { clock, deps, publisher, start: epoch };
}

/** A decision another attempt made, written straight through the store as alertEvent would have written it. */
export function decideDirectly(store: DynamoAlertStore, window: AlertWindow, item: EventItem, kind: AlertKind, atMs: number) {
  return store.decide({ window, facts: factsOf(item), kind, perWindow: 10, at: new Date(atMs).toISOString(), expiresAt: expiresAtFor(window) });
}
