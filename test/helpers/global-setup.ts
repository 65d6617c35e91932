import { startDynamoDbLocal, startFauxqs, type RunningEmulator } from '../../local/emulators';

declare global {
  // eslint-disable-next-line no-var
  var __emulators: RunningEmulator[] | undefined;
}

/**
 * One DynamoDB Local and one fauxqs for the whole run; each test file makes its own uniquely named table/topics.
 * Endpoints reach the test workers through the environment (workers are spawned after this runs).
 */
export default async function globalSetup(): Promise<void> {
  const [dynamo, fauxqs] = await Promise.all([startDynamoDbLocal(), startFauxqs()]);
  process.env.TEST_DYNAMODB_ENDPOINT = dynamo.endpoint;
  process.env.TEST_SNS_ENDPOINT = fauxqs.endpoint;
  globalThis.__emulators = [dynamo, fauxqs];
}
