/** SDK client options for the emulators (DynamoDB Local, fauxqs): the same for the local stack, tools and tests. */

/** The emulators accept any credentials, but the SDK must resolve some; never used against AWS. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;
/** The region the emulators run in (their ARNs carry it). */
export const LOCAL_REGION = 'us-east-1';

/** Options for a client of `endpoint`: the emulator with dummy credentials, or (no endpoint) the SDK defaults for AWS. */
export function clientConfig(endpoint: string | undefined): {
  endpoint?: string;
  region?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
} {
  if (!endpoint) return {};
  return { endpoint, region: LOCAL_REGION, credentials: { ...LOCAL_CREDENTIALS } };
}
