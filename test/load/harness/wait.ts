/** Waiting helpers of the load harness: a plain sleep, and retrying while a dependency restarts. */

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Retries with a short growing back-off; for draining while a dependency restarts. */
export async function retrying<T>(what: string, action: () => Promise<T>, log: (line: string) => void, attempts = 60): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await action();
    } catch (error) {
      if (attempt >= attempts) throw error;
      if (attempt === 1) log(`${what}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}; retrying`);
      await sleep(Math.min(1000, 100 * attempt));
    }
  }
}
