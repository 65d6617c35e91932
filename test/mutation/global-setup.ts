import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { startDynamoDbLocal, startFauxqs } from '../../local/emulators';

declare global {
  // eslint-disable-next-line no-var
  var __mutationEmulatorEndpoints: { dynamo: string; sns: string } | undefined;
}

/**
 * Stryker's Jest runner calls Jest once per mutant in one long-lived process: start DynamoDB Local and fauxqs on the
 * first call and hand the same endpoints to every later one. They stop with the process (local/emulators.ts reaper).
 */
export default async function mutationGlobalSetup(): Promise<void> {
  // A new Jest run: no mutant counts as killed yet (./bail-after-kill.ts).
  const root = path.resolve(__dirname, '../..');
  for (const name of readdirSync(root)) if (name.startsWith('.mutation-killed-')) rmSync(path.join(root, name), { force: true });
  if (!globalThis.__mutationEmulatorEndpoints) {
    const [dynamo, fauxqs] = await Promise.all([startDynamoDbLocal(), startFauxqs()]);
    globalThis.__mutationEmulatorEndpoints = { dynamo: dynamo.endpoint, sns: fauxqs.endpoint };
  }
  process.env.TEST_DYNAMODB_ENDPOINT = globalThis.__mutationEmulatorEndpoints.dynamo;
  process.env.TEST_SNS_ENDPOINT = globalThis.__mutationEmulatorEndpoints.sns;
}
