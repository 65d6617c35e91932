/**
 * Writes a file so a reader never sees it half-written: to a temporary name beside it, then renamed over it (a rename
 * within one directory is atomic). The CLIs, the console and the tests read the local stack's outputs while it starts.
 */
import { renameSync, writeFileSync } from 'node:fs';

export function writeWholeFile(file: string, text: string): void {
  const partial = `${file}.${process.pid}.partial`;
  writeFileSync(partial, text);
  renameSync(partial, file);
}
