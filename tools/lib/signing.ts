/**
 * Signing the way each provider signs, for the `send` CLI and the tests. The verifiers in lambda/core/providers are
 * the other side of these functions; the CPython golden vectors keep the Python envelope form honest.
 */
import { hmacSha256 } from '../../lambda/core/crypto/hmac';
import { decodeStandardWebhooksSecret } from '../../lambda/core/providers/configured/standard-webhooks';

// The built-ins' own signers live beside their verifiers (lambda/core/providers); tests and tools import them here.
export {
  type ContentorEnvelopeForm,
  type ContentorHeaderStyle,
  contentorEnvelope,
  contentorHeaderStyles,
  signContentorHeader,
} from '../../lambda/core/providers/contentor';
export { type PanjayaSignatureEncoding, panjayaSignatureEncodings, signPanjaya } from '../../lambda/core/providers/panjaya';

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
