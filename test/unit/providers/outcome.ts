/** Small helpers for provider tests: what a verify/normalise call ended in, as plain data easy to assert on. */
import { SignatureError, ValidationError } from '../../../lambda/core/errors';
import type { KeyObject } from 'node:crypto';
import type { NormalisedEvent } from '../../../lambda/core/model';
import type { ProviderModule, RawRequest, Trust } from '../../../lambda/core/providers/provider';

export function request(body: string | Buffer, headers: Record<string, string> = {}): RawRequest {
  return { body: typeof body === 'string' ? Buffer.from(body, 'utf8') : body, headers };
}

/** 'ok', or the SignatureError reason; anything else is rethrown so the test fails loudly. */
export function verifyOutcome(run: () => void): string {
  try {
    run();
    return 'ok';
  } catch (error) {
    if (error instanceof SignatureError) return error.reason;
    throw error;
  }
}

/** The ValidationError message of a call expected to reject its payload. */
export function validationMessage(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError) return error.message;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

/** Trust material as a verifier gets it (lambda/core/providers/provider.ts). */
export const keysTrust = (...publicKeys: KeyObject[]): Trust => ({ publicKeys, secrets: [] });
export const secretsTrust = (...secrets: string[]): Trust => ({ publicKeys: [], secrets });

/** verify then normalise, as ingest runs them: normalise takes what verify returned. */
export function verifyAndNormalise<V>(module: ProviderModule<V>, req: RawRequest, trust: Trust, now = new Date()): NormalisedEvent {
  return module.normalise(req, module.verify(req, trust, now));
}
