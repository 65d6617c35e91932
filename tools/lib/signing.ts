/**
 * Signing the way each provider signs, for the `send` CLI and the tests. The verifiers in lambda/core/providers are
 * the other side of these functions; the CPython golden vectors keep the Python envelope form honest.
 */
import { createHmac, createPrivateKey, type KeyObject, sign } from 'node:crypto';
import { hmacSha256 } from '../../lambda/core/crypto/hmac';
import { type ContentorEnvelopeForm, type ContentorHeaderStyle, contentorEnvelopeWith, contentorHeaderSignature } from '../../lambda/core/providers/contentor';
import { type PanjayaSignatureEncoding, panjayaSignature } from '../../lambda/core/providers/panjaya';
import type { Signer } from '../../lambda/core/providers/provider';
import { decodeStandardWebhooksSecret } from '../../lambda/core/providers/configured/standard-webhooks';

/** Signing primitives over a shared secret or a private key PEM (PKCS#8 or SEC1): what a module's `sender` writes with. */
export function signerOf(material: string | KeyObject): Signer {
  return {
    hmac: (algorithm, ...parts) => {
      const mac = createHmac(algorithm, material as string);
      for (const part of parts) mac.update(part);
      return mac.digest();
    },
    ecdsa: (data, dsaEncoding) => sign('sha256', data, { key: typeof material === 'string' ? createPrivateKey(material) : material, dsaEncoding }),
  };
}

export type { ContentorEnvelopeForm, ContentorHeaderStyle } from '../../lambda/core/providers/contentor';
export { contentorHeaderStyles } from '../../lambda/core/providers/contentor';
export { type PanjayaSignatureEncoding, panjayaSignatureEncodings } from '../../lambda/core/providers/panjaya';

/** ES256 signature over the exact body bytes (Panjaya's `X-Signature`). `privateKey`: a KeyObject or a PEM. */
export function signPanjaya(body: string | Uint8Array, privateKey: KeyObject | string, encoding: PanjayaSignatureEncoding = 'der-hex'): string {
  return panjayaSignature(body, signerOf(privateKey), encoding);
}

/** `X-Webhook-Signature` value: HMAC-SHA256(secret, raw body). */
export function signContentorHeader(body: string | Uint8Array, secret: string, style: ContentorHeaderStyle = 'hex'): string {
  return contentorHeaderSignature(body, signerOf(secret), style);
}

/** A signed Contentor envelope body (lambda/core/providers/contentor.ts `contentorEnvelopeWith`). */
export function contentorEnvelope(data: string | Record<string, unknown>, secret: string, form: ContentorEnvelopeForm = 'python'): string {
  return contentorEnvelopeWith(data, signerOf(secret), form);
}

/** Which header names a Standard Webhooks delivery uses: `webhook-*`, or the `svix-*` aliases some senders still use. */
export type StandardWebhooksHeaderPrefix = 'webhook' | 'svix';

/**
 * Headers of a Standard Webhooks delivery: `<prefix>-id`, `<prefix>-timestamp` (Unix seconds) and
 * `<prefix>-signature`, one `v1,<base64>` entry per secret (space-separated, as a sender does while rotating).
 * Secrets are `whsec_` + base64, as the provider shows them.
 */
export function signStandardWebhook(
  body: string | Uint8Array,
  secrets: string | readonly string[],
  message: { readonly id: string; readonly timestamp: number; readonly headerPrefix?: StandardWebhooksHeaderPrefix },
): Record<string, string> {
  const prefix = message.headerPrefix ?? 'webhook';
  const signatures = (typeof secrets === 'string' ? [secrets] : secrets).map(
    (secret) => `v1,${hmacSha256(decodeStandardWebhooksSecret(secret), `${message.id}.${message.timestamp}.`, body).toString('base64')}`,
  );
  return { [`${prefix}-id`]: message.id, [`${prefix}-timestamp`]: String(message.timestamp), [`${prefix}-signature`]: signatures.join(' ') };
}

/** The header value of a configured `hmac-sha256` provider: `prefix` + HMAC-SHA256(secret, raw body) in the encoding. */
export function signHmacHeader(body: string | Uint8Array, secret: string, scheme: { readonly encoding: 'hex' | 'base64'; readonly prefix?: string }): string {
  return (scheme.prefix ?? '') + hmacSha256(secret, body).toString(scheme.encoding);
}
