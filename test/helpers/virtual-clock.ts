/**
 * Virtual time for code that reads a clock and sleeps, while its storage calls go to a real DynamoDB Local: time
 * moves only when every task is asleep and no tracked call is in flight, then jumps to the earliest wake-up. So a
 * property can run minutes of arrivals, windows and rate slots in the seconds the real calls take, and the order of
 * wake-ups (hence the interleaving of concurrent tasks) follows the virtual times exactly.
 */
export class VirtualClock {
  private sleepers: Array<{ at: number; order: number; resolve: () => void }> = [];
  private inflight = 0;
  private order = 0;

  constructor(public now: number) {}

  readonly date = (): Date => new Date(this.now);

  readonly sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      this.order += 1;
      this.sleepers.push({ at: this.now + Math.max(0, ms), order: this.order, resolve });
    });

  /** Wraps every method of `target` so the clock waits for its calls to finish before moving. */
  track<T extends object>(target: T): T {
    return new Proxy(target, {
      get: (t, property) => {
        const value = Reflect.get(t, property, t) as unknown;
        if (typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          this.inflight += 1;
          try {
            return await (value as (...a: unknown[]) => Promise<unknown>).apply(t, args);
          } finally {
            this.inflight -= 1;
          }
        };
      },
    });
  }

  private async quiesce(): Promise<void> {
    for (let calm = 0; calm < 3; ) {
      await new Promise((r) => setImmediate(r));
      if (this.inflight > 0) {
        calm = 0;
        await new Promise((r) => setTimeout(r, 1));
      } else calm += 1;
    }
  }

  /** Runs until `main` settles, advancing time whenever everything is waiting on it. */
  async run<T>(main: Promise<T>): Promise<T> {
    let settled = false;
    main.then(
      () => {
        settled = true;
      },
      () => {
        settled = true;
      },
    );
    while (!settled) {
      await this.quiesce();
      if (settled) break;
      if (this.sleepers.length === 0) {
        // Waiting on something untracked (a microtask chain about to sleep): let it get there.
        await new Promise((r) => setTimeout(r, 1));
        continue;
      }
      this.sleepers.sort((a, b) => a.at - b.at || a.order - b.order);
      const next = this.sleepers.shift() as { at: number; resolve: () => void };
      this.now = Math.max(this.now, next.at);
      next.resolve();
    }
    return main;
  }
}
