/**
 * Every SNS Publish the run makes (the fan-out's and the re-drive's: the local stack runs in this process), with its
 * topic, event id, start and end time and outcome, read at the SDK boundary: `SNSClient.prototype.send` is wrapped,
 * the call itself goes through unchanged. The accounting needs it to tell a message SNS accepted (an answered
 * Publish) from one that never was, when a crash of the emulator takes the queued copies with it; the fault
 * injector needs it to kill fauxqs while a Publish is in flight.
 */
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';

export interface PublishRecord {
  readonly topicArn: string;
  /** The notification document's event id (undefined for messages without one, such as digests). */
  readonly eventId: string | undefined;
  /** performance.now() at the call. */
  readonly startedAt: number;
  endedAt?: number;
  outcome: 'pending' | 'ok' | 'error';
  error?: string;
}

/** The `eventId` of the document in a MessageStructure json message (its `default` entry), if any. */
function eventIdOf(message: string | undefined): string | undefined {
  try {
    const structure = JSON.parse(message ?? '') as { default?: string };
    const document = JSON.parse(structure.default ?? '') as { eventId?: unknown };
    return typeof document.eventId === 'string' ? document.eventId : undefined;
  } catch {
    return undefined;
  }
}

export class PublishLog {
  readonly records: PublishRecord[] = [];
  private readonly listeners = new Set<(record: PublishRecord) => void>();
  private restore: (() => void) | undefined;

  /** Starts recording every Publish of every SNS client in this process. */
  install(): void {
    if (this.restore) return;
    const prototype = SNSClient.prototype as unknown as { send: (...args: unknown[]) => unknown };
    const hadOwn = Object.hasOwn(prototype, 'send');
    const original = prototype.send;
    const log = this;
    prototype.send = function send(this: SNSClient, ...args: unknown[]) {
      const result = original.apply(this, args);
      const command = args[0];
      if (command instanceof PublishCommand && result instanceof Promise) log.track(command, result);
      return result;
    };
    this.restore = () => {
      if (hadOwn) prototype.send = original;
      else delete (prototype as { send?: unknown }).send;
    };
  }

  uninstall(): void {
    this.restore?.();
    this.restore = undefined;
  }

  /** Calls `listener` as each Publish starts (after the request was handed to the SDK); returns the unsubscribe. */
  onStart(listener: (record: PublishRecord) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Publishes to `topicArns` for `eventId`. */
  of(eventId: string, topicArns: ReadonlySet<string>): PublishRecord[] {
    return this.records.filter((r) => r.eventId === eventId && topicArns.has(r.topicArn));
  }

  private track(command: PublishCommand, result: Promise<unknown>): void {
    const record: PublishRecord = {
      topicArn: command.input.TopicArn ?? '',
      eventId: eventIdOf(command.input.Message),
      startedAt: performance.now(),
      outcome: 'pending',
    };
    this.records.push(record);
    result.then(
      () => {
        record.outcome = 'ok';
        record.endedAt = performance.now();
      },
      (error: unknown) => {
        record.outcome = 'error';
        record.error = error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 200) : String(error);
        record.endedAt = performance.now();
      },
    );
    for (const listener of this.listeners) listener(record);
  }
}
