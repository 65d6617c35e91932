/**
 * A signed test delivery for a provider declared by configuration: a body with the job id, status and (for a
 * terminal status) event time at the configured JSON Pointers, signed as its scheme does (Standard Webhooks or a
 * plain HMAC header). Used by `npm run send` and the tests.
 */
import { randomUUID } from 'node:crypto';
import { webhookRoute } from '../../lambda/contracts';
import type { ConfiguredProvider } from '../../lambda/core/providers/configured/config-schema';
import { compilePointer } from '../../lambda/core/providers/configured/json-pointer';
import { signHmacHeader, signStandardWebhook } from './signing';

export interface SignedRequest {
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** Sets `value` at an RFC 6901 pointer, creating objects on the way (arrays are not invented). */
function setAt(root: Record<string, unknown>, pointerText: string, value: unknown): void {
  const tokens = compilePointer(pointerText).tokens;
  let node: Record<string, unknown> = root;
  tokens.forEach((token, i) => {
    if (i === tokens.length - 1) {
      Object.defineProperty(node, token, { value, enumerable: true, writable: true, configurable: true });
      return;
    }
    const next = Object.hasOwn(node, token) ? node[token] : undefined;
    if (next === null || typeof next !== 'object') Object.defineProperty(node, token, { value: {}, enumerable: true, writable: true, configurable: true });
    node = node[token] as Record<string, unknown>;
  });
}

export interface ConfiguredRequestOptions {
  readonly jobId: string;
  readonly secrets: readonly string[];
  /** When the event happened (ISO); set at `occurredAt` only for terminal statuses, as Replicate's completed_at is. */
  readonly occurredAt?: string;
  /** Standard Webhooks message id. @default a new msg_… id */
  readonly messageId?: string;
  /** Unix seconds of the attempt. @default now */
  readonly timestamp?: number;
  /** Extra top-level members of the body. */
  readonly extra?: Record<string, unknown>;
}

export function configuredRequest(name: string, provider: ConfiguredProvider, status: string, o: ConfiguredRequestOptions): SignedRequest {
  const root: Record<string, unknown> = { ...o.extra };
  setAt(root, provider.jobId, o.jobId);
  setAt(root, provider.status, status);
  if (provider.occurredAt !== undefined) setAt(root, provider.occurredAt, o.occurredAt ?? null);
  const body = JSON.stringify(root);
  const path = webhookRoute.pathFor(name);
  const signature = provider.signature;
  if (signature.scheme === 'standard-webhooks') {
    const headers = signStandardWebhook(body, o.secrets, {
      id: o.messageId ?? `msg_${randomUUID().replace(/-/g, '')}`,
      timestamp: o.timestamp ?? Math.floor(Date.now() / 1000),
    });
    return { path, headers: { 'content-type': 'application/json', ...headers }, body };
  }
  const [secret = ''] = o.secrets;
  return { path, headers: { 'content-type': 'application/json', [signature.header]: signHmacHeader(body, secret, signature) }, body };
}
