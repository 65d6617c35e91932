/**
 * Keeps an emulator child running: when it exits unexpectedly it is started again on the same port (so endpoints
 * in the outputs file stay valid) and `afterRestart` re-creates whatever the child does not persist.
 * DynamoDB Local persists to the state dir; fauxqs keeps topics in memory, so its hook re-creates them.
 * Once released (shutting down), an exit is expected: nothing is restarted or logged, and a restart already under
 * way is stopped as soon as it has started.
 */
import type { RunningEmulator } from './emulators';

export interface SupervisedEmulator {
  readonly current: () => RunningEmulator;
  /** From now on an exit is expected: no restart, no message. The first step of shutting down. */
  release(): void;
  /** release(), then stop the child (and one a restart in progress is bringing up). */
  stop(): Promise<void>;
}

export function supervise(
  first: RunningEmulator,
  restart: (port: number) => Promise<RunningEmulator>,
  hooks: { afterRestart?: () => Promise<void>; log: (message: string) => void },
): SupervisedEmulator {
  let current = first;
  let stopping = false;
  let restarting: Promise<void> = Promise.resolve();
  const watch = (emulator: RunningEmulator) => {
    emulator.process.once('exit', (code, signal) => {
      if (stopping) return;
      hooks.log(`${emulator.name} exited (${signal ?? `code ${code}`}); restarting on port ${emulator.port}`);
      restarting = (async () => {
        for (let attempt = 1; !stopping; attempt += 1) {
          try {
            current = await restart(emulator.port);
            if (stopping) return;
            watch(current);
            await hooks.afterRestart?.();
            hooks.log(`${emulator.name} is back on port ${emulator.port}`);
            return;
          } catch (error) {
            if (stopping) return;
            hooks.log(`${emulator.name} restart attempt ${attempt} failed: ${(error as Error).message.split('\n')[0]}`);
            await new Promise((r) => setTimeout(r, Math.min(5000, 500 * attempt)));
          }
        }
      })();
    });
  };
  watch(first);
  return {
    current: () => current,
    release: () => {
      stopping = true;
    },
    stop: async () => {
      stopping = true;
      await restarting;
      await current.stop();
    },
  };
}
