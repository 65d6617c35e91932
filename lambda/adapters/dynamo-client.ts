/**
 * The DynamoDB document client the functions, tools and local stack share. Create it once per process (module
 * level in a handler) so connections are reused across invocations.
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { clientConfig } from '../contracts';
import { DependencyError, InternalError } from '../core/errors';

/** Options for {@link makeDocumentClient}. */
export interface DocumentClientOptions {
  /**
   * Custom endpoint (DynamoDB Local), from the caller's own settings (a function's schema, an outputs file).
   * @default the regional AWS endpoint
   */
  readonly endpoint?: string;
  /**
   * Attempts per request, first one included. Kept small: the provider retries a 503 for us, and a long retry
   * chain inside the function only delays that answer (API Gateway gives up after 30 s).
   * @default 3
   */
  readonly maxAttempts?: number;
  /** @default 1000 */
  readonly connectionTimeoutMs?: number;
  /** @default 3000 */
  readonly requestTimeoutMs?: number;
}

/**
 * A document client with keep-alive connections, short timeouts and a small retry budget, so a storage outage
 * turns into a 503 quickly. Marshalling drops undefined attributes; the provider's JSON is never marshalled (the body is
 * stored as bytes), so every number we write is our own.
 */
export function makeDocumentClient(options: DocumentClientOptions = {}): DynamoDBDocumentClient {
  const agentOptions = { keepAlive: true, maxSockets: 50 };
  const client = new DynamoDBClient({
    // The emulator's region and credentials, or (no endpoint) the SDK's own chain for AWS.
    ...clientConfig(options.endpoint || undefined),
    maxAttempts: options.maxAttempts ?? 3,
    retryMode: 'standard',
    requestHandler: {
      connectionTimeout: options.connectionTimeoutMs ?? 1000,
      requestTimeout: options.requestTimeoutMs ?? 3000,
      // Without it the SDK only logs a warning when the request timeout passes and keeps waiting for DynamoDB.
      throwOnRequestTimeout: true,
      httpAgent: new HttpAgent(agentOptions),
      httpsAgent: new HttpsAgent(agentOptions),
    },
  });
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
}

/**
 * Any storage failure as a 503 (the provider retries); the SDK's error name and message go to the logs only.
 * A DependencyError passes through unchanged.
 */
export function storageUnavailable(operation: string, error: unknown): DependencyError | InternalError {
  if (error instanceof DependencyError || error instanceof InternalError) return error;
  const detail = error instanceof Error ? { operation, error: error.name, message: error.message } : { operation };
  // DynamoDB refused what we built: retrying cannot help, and it is not an outage (see InternalError).
  if (error instanceof Error && error.name === 'ValidationException')
    return new InternalError('internal error: the request could not be stored', { ...detail, bug: true });
  return new DependencyError('storage_unavailable', 'storage is unavailable, retry later', detail);
}

/** A conditional write whose condition failed: an expected answer (someone else wrote first), not an outage. */
export function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/**
 * A cancelled transaction's reason code for each of its items, in TransactItems order (undefined where DynamoDB gives
 * none); undefined when the error is not a cancelled transaction. Recognised by name, as isConditionFailure is, so an
 * error from another copy of the SDK is read the same.
 */
export function cancellationCodes(error: unknown): Array<string | undefined> | undefined {
  if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') return undefined;
  const reasons = (error as { CancellationReasons?: ReadonlyArray<{ Code?: string }> }).CancellationReasons ?? [];
  return reasons.map((reason) => reason.Code);
}
