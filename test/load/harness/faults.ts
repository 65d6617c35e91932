/**
 * Fault injection keyed on progress: DynamoDB Local killed at a quarter of the sends; fauxqs killed at half at a
 * quiet moment (senders paused, fan-out drained), and again at five eighths in the middle of traffic, the instant a
 * Publish is in flight; a poison stream record at three quarters. The supervisors of the local stack
 * (local/start.ts) restart the emulators.
 */
import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { PENDING_PARTITION } from '../../../lambda/contracts';
import type { startLocalStack } from '../../../local/start';
import type { NotificationObserver } from './observer';
import type { PublishLog, PublishRecord } from './publish-log';
import type { SenderPool } from './senders';
import { retrying, sleep } from './wait';

type LocalStack = Awaited<ReturnType<typeof startLocalStack>>;

export interface FaultDeps {
  readonly stack: Pick<LocalStack, 'emulators' | 'poller'>;
  readonly doc: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly observer: NotificationObserver;
  readonly senders: SenderPool;
  readonly publishes: PublishLog;
  /** A seeded random source (the kill's delay after a Publish starts). */
  readonly random: () => number;
  /** Where each injected fault is described (the run's fault list, shared with the restart hook). */
  readonly faults: string[];
  readonly log: (line: string) => void;
}

/** How long the mid-flight kill waits for a Publish to catch before it gives up (and says so). */
const MID_FLIGHT_WAIT_MS = 60_000;

export class FaultInjector {
  /** Live notifications received when the poison record was written: more must follow. */
  liveNotifiedAtPoison = 0;
  /** performance.now() of each fauxqs kill: a message SNS accepted before one may have died with its queues. */
  readonly fauxqsKills: number[] = [];
  /** The Publish requests in flight when fauxqs was killed mid-flight (empty if none was caught). */
  readonly inFlightAtKill: PublishRecord[] = [];
  private readonly at: { dynamo: number; sns: number; snsMidFlight: number; poison: number };
  private readonly done = { dynamo: false, sns: false, snsMidFlight: false, poison: false };
  private poisonKey?: { pk: string; sk: string };
  private messagingRestarts = 0;

  constructor(
    private readonly deps: FaultDeps,
    totalPlanned: number,
  ) {
    this.at = {
      dynamo: Math.floor(totalPlanned * 0.25),
      sns: Math.floor(totalPlanned * 0.5),
      snsMidFlight: Math.floor(totalPlanned * 0.625),
      poison: Math.floor(totalPlanned * 0.75),
    };
  }

  /** The local stack re-created topics and subscriptions after fauxqs came back (its restart hook). */
  messagingRestarted(): void {
    this.messagingRestarts += 1;
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
      this.killFauxqs();
      this.record(`fauxqs (SNS/SQS) killed (SIGKILL) after ${sent} deliveries: publishes fail until it is back`);
      release();
    }
    if (!this.done.snsMidFlight && sent >= this.at.snsMidFlight) {
      this.done.snsMidFlight = true;
      await this.killFauxqsMidFlight(sent);
    }
    if (!this.done.poison && sent >= this.at.poison) {
      this.done.poison = true;
      // Only once fauxqs is back from every kill: a poison record in a batch whose neighbours cannot be published
      // (SNS down) is retried with them and then skipped by the local poller, never reaching the check it is here for.
      const deadline = Date.now() + MID_FLIGHT_WAIT_MS;
      while (this.messagingRestarts < this.fauxqsKills.length && Date.now() < deadline) await sleep(50);
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

  private killFauxqs(): void {
    this.fauxqsKills.push(performance.now());
    this.deps.stack.emulators.fauxqs.current().process.kill('SIGKILL');
  }

  /**
   * Kills fauxqs while senders keep sending and the fan-out keeps publishing: once the previous restart is complete,
   * the next Publish that starts arms a kill a moment (0-2 ms, seeded) later; if that Publish was answered before the
   * kill fired, the next one arms it again.
   */
  private async killFauxqsMidFlight(sent: number): Promise<void> {
    const { publishes, log } = this.deps;
    const deadline = Date.now() + MID_FLIGHT_WAIT_MS;
    while (this.messagingRestarts < this.fauxqsKills.length && Date.now() < deadline) await sleep(50);
    const caught = await new Promise<PublishRecord[]>((resolve) => {
      let armed = false;
      const giveUp = setTimeout(
        () => {
          stop();
          resolve([]);
        },
        Math.max(0, deadline - Date.now()),
      );
      const stop = publishes.onStart((started) => {
        if (armed) return;
        armed = true;
        setTimeout(
          () => {
            armed = false;
            const inFlight = publishes.records.filter((r) => r.outcome === 'pending');
            if (started.outcome !== 'pending' || inFlight.length === 0) return; // answered already: wait for the next one
            stop();
            clearTimeout(giveUp);
            this.killFauxqs();
            resolve(inFlight);
          },
          Math.floor(this.deps.random() * 3),
        );
      });
    });
    this.inFlightAtKill.push(...caught);
    if (caught.length === 0) {
      this.record(`fauxqs mid-flight kill skipped after ${sent} deliveries: no Publish started within ${MID_FLIGHT_WAIT_MS / 1000} s`);
      return;
    }
    this.record(`fauxqs (SNS/SQS) killed (SIGKILL) after ${sent} deliveries with ${caught.length} Publish request(s) in flight, senders running`);
    log(`mid-flight kill: in flight ${caught.map((r) => r.eventId ?? r.topicArn).join(', ')}`);
  }

  private record(fault: string): void {
    this.deps.faults.push(fault);
    this.deps.log(fault);
  }
}
