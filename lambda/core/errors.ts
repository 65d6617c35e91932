/**
 * Named errors, mapped to HTTP statuses in one place (`httpStatusFor`). Messages are safe to return to the caller:
 * a reason, never a secret or an expected signature. Details for operators go in `logDetail`.
 */
export abstract class WebhookError extends Error {
  abstract readonly httpStatus: number;
  /** Short machine-readable reason, used as the `reason` metric dimension and log field. */
  abstract readonly reason: string;
  constructor(
    message: string,
    readonly logDetail?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Missing, malformed or wrong signature, unknown key: 401. */
export class SignatureError extends WebhookError {
  readonly httpStatus = 401;
  constructor(
    readonly reason: 'missing_signature' | 'malformed_signature' | 'invalid_signature' | 'unsupported_algorithm' | 'timestamp_too_old' | 'timestamp_too_new',
    message: string,
    logDetail?: Record<string, unknown>,
  ) {
    super(message, logDetail);
  }
}

/** Signature valid but the body is not JSON or fails the schema: 400, message names the failing field. */
export class ValidationError extends WebhookError {
  readonly httpStatus = 400;
  readonly reason = 'invalid_payload';
}

export class UnknownProviderError extends WebhookError {
  readonly httpStatus = 404;
  readonly reason = 'unknown_provider';
}

export class PayloadTooLargeError extends WebhookError {
  readonly httpStatus = 413;
  readonly reason = 'payload_too_large';
}

/**
 * A bug on our side, e.g. DynamoDB refusing a request we built (ValidationException): input is bounded before any
 * write (providers/ids.ts), so this must never be the provider's fault. 500, logged as a bug, not "unavailable".
 */
export class InternalError extends WebhookError {
  readonly httpStatus = 500;
  readonly reason = 'internal_error';
}

/** Storage, secret source or another dependency failed: 503 so the provider retries. */
export class DependencyError extends WebhookError {
  readonly httpStatus = 503;
  constructor(
    readonly reason: 'storage_unavailable' | 'secrets_unavailable' | 'dependency_unavailable',
    message: string,
    logDetail?: Record<string, unknown>,
  ) {
    super(message, logDetail);
  }
}
