/**
 * Fault injection keyed on progress: DynamoDB Local killed at a quarter of the sends, fauxqs at half, a poison stream
 * record at three quarters. The supervisors of the local stack (local/start.ts) restart the emulators.
 */
import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { PENDING_PARTITION } from '../../../lambda/contracts';
import type { startLocalStack } from '../../../local/start';
import type { NotificationObserver } from './observer';
import type { SenderPool } from './senders';
import { retrying } from './wait';

type LocalStack = Awaited<ReturnType<typeof startLocalStack>>;

export interface FaultDeps {
  readonly stack: Pick<LocalStack, 'emulators' | 'poller'>;
  readonly doc: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly observer: NotificationObserver;
  readonly senders: SenderPool;
  /** Where each injected fault is described (the run's fault list, shared with the restart hook). */
  readonly faults: string[];
  readonly log: (line: string) => void;
}

export class FaultInjector {
  /** Live notifications received when the poison record was written: more must follow. */
  liveNotifiedAtPoison = 0;
  private readonly at: { dynamo: number; sns: number; poison: number };
  private readonly done = { dynamo: false, sns: false, poison: false };
  private poisonKey?: { pk: string; sk: string };

  constructor(
    private readonly deps: FaultDeps,
    totalPlanned: number,
  ) {
    this.at = { dynamo: Math.floor(totalPlanned * 0.25), sns: Math.floor(totalPlanned * 0.5), poison: Math.floor(totalPlanned * 0.75) };
  }

  /** Injects the faults whose point `sent` has reached, once each. */
  async maybeInject(sent: number): Promise<void> {
    const { stack, doc, tableName, observer, senders, log } = this.deps;
    if (!this.done.dynamo && sent >= this.at.dynamo) {
      this.done.dynamo = true;
      stack.emulators.dynamo.current().process.kill('SIGKILL');
      this.record(`DynamoDB Local killed (SIGKILL) after ${sent} deliveries; supervisor restarted it`);
    }
    if (!this.done.sns && sent >= this.at.sns) {
      this.done.sns = true;
      // The SNS fault needs a quiet fan-out so the observer loses nothing.
      const release = await senders.pause();
      // Quiet point: every stored event has passed the fan-out and every published message is in our hands.
      await retrying('draining the stream', () => stack.poller.drain(), log);
      await observer.drain(500);
      stack.emulators.fauxqs.current().process.kill('SIGKILL');
      this.record(`fauxqs (SNS/SQS) killed (SIGKILL) after ${sent} deliveries: publishes fail until it is back`);
      release();
    }
    if (!this.done.poison && sent >= this.at.poison) {
      this.done.poison = true;
      this.liveNotifiedAtPoison = observer.messages;
      // Passes the stream filter (new terminal event item, pending) but fails the fan-out's item schema: a poison
      // record the fan-out must park (mark undeliverable) and pass over.
      const poison = {
        pk: 'JOB#load#poison',
        sk: `EVENT#poison#${randomUUID()}`,
        itemType: 'event',
        provider: 'No provider',
        notifyTopic: 'failed',
        eventId: 'poison',
        gsi2pk: PENDING_PARTITION,
        gsi2sk: `${new Date().toISOString()}#poison`,
      };
      this.poisonKey = { pk: poison.pk, sk: poison.sk };
      await retrying('writing the poison record', () => doc.send(new PutCommand({ TableName: tableName, Item: poison })), log);
      this.record(`poison stream record written after ${sent} deliveries (not an event item)`);
    }
  }

  /** Whether the fan-out parked the poison record (its `undeliverable` reason set). */
  async poisonParked(doc: DynamoDBDocumentClient, tableName: string): Promise<boolean> {
    if (this.poisonKey === undefined) return false;
    const key = this.poisonKey;
    const out = await retrying(
      'reading the poison record',
      () => doc.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true })),
      this.deps.log,
    );
    return typeof out.Item?.undeliverable === 'string';
  }

  private record(fault: string): void {
    this.deps.faults.push(fault);
    this.deps.log(fault);
  }
}
