/**
 * Concurrent senders that behave like the providers: each takes the next unit of the shared queue, retries 5xx, 429
 * and connection errors with jittered back-off, and puts the rest of a Panjaya chain back at a random place.
 */
import type { DeliveryTally } from './accounting';
import type { Delivery, Unit } from './deliveries';
import { sleep } from './wait';

/** How long a provider keeps retrying one delivery before it drops it. */
const RETRY_FOR_MS = 120_000;

export class SenderPool {
  /** Deliveries sent (each duplicate counts), answered or given up. */
  sent = 0;
  private inFlight = 0;
  private paused: Promise<void> | undefined;

  constructor(
    private readonly apiUrl: string,
    private readonly tally: DeliveryTally,
    private readonly random: () => number,
  ) {}

  /** Sends every unit with `senders` concurrent senders; `afterEach` runs after each delivery (fault injection). */
  async run(units: readonly Unit[], senders: number, afterEach: () => Promise<void>): Promise<void> {
    const queue = [...units];
    const sender = async (): Promise<void> => {
      for (;;) {
        while (this.paused) await this.paused;
        const unit = queue.shift();
        if (!unit) {
          if (this.inFlight === 0) return;
          await sleep(10);
          continue;
        }
        this.inFlight += 1;
        const index = unit.next;
        const delivery = unit.steps[index] as Delivery;
        const ok = await this.deliver(delivery);
        this.sent += 1;
        if (ok && unit.duplicateAfter.has(index)) {
          await this.deliver(delivery);
          this.sent += 1;
        }
        unit.next += 1;
        // The rest of a Panjaya chain goes back at a random place: other jobs interleave, its order is kept.
        if (unit.next < unit.steps.length) queue.splice(Math.floor(this.random() * (queue.length + 1)), 0, unit);
        this.inFlight -= 1;
        await afterEach();
      }
    };
    await Promise.all(Array.from({ length: senders }, () => sender()));
  }

  /** Holds every sender before its next delivery and waits for those in flight; call the result to let them go on. */
  async pause(): Promise<() => void> {
    let release!: () => void;
    this.paused = new Promise<void>((r) => (release = r));
    while (this.inFlight > 1) await sleep(20);
    return () => {
      this.paused = undefined;
      release();
    };
  }

  /** One delivery, retried like a provider: 5xx, 429 and connection errors back off and retry (for up to 2 min). */
  private async deliver(delivery: Delivery): Promise<boolean> {
    const deadline = Date.now() + RETRY_FOR_MS;
    for (let attempt = 0; ; attempt += 1) {
      const started = performance.now();
      let status: number | string;
      try {
        const response = await fetch(`${this.apiUrl}/webhooks/${delivery.provider}`, {
          method: 'POST',
          body: delivery.body,
          headers: { 'content-type': 'application/json', ...delivery.headers },
        });
        await response.arrayBuffer();
        status = response.status;
      } catch {
        status = 'connection-error';
      }
      this.tally.record(status, performance.now() - started);
      if (typeof status === 'number' && status >= 200 && status < 300) return true;
      const retryable = typeof status !== 'number' || status >= 500 || status === 429;
      if (!retryable || Date.now() > deadline) {
        this.tally.gaveUp += 1;
        return false;
      }
      if (attempt === 0) this.tally.retried += 1;
      await sleep(Math.min(2000, 50 * 2 ** attempt) * (0.5 + this.random()));
    }
  }
}
