/**
 * Signing the way each provider signs, for the `send` CLI and the tests. The verifiers in lambda/core/providers are
 * the other side of these functions; the CPython golden vectors keep the Python envelope form honest.
 */
import { createHmac, createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { serialiseAs, type CanonicalForm } from '../../lambda/core/json/canonical-forms';
import { parseJson } from '../../lambda/core/json/parse';
import { hmacSha256 } from '../../lambda/core/crypto/hmac';
import { decodeStandardWebhooksSecret } from '../../lambda/core/providers/configured/standard-webhooks';

/** How a Panjaya signature is written into `X-Signature`. `der-hex` is what Panjaya documents. */
export type PanjayaSignatureEncoding = 'der-hex' | 'raw-hex' | 'raw-base64' | 'der-base64';
export const panjayaSignatureEncodings: readonly PanjayaSignatureEncoding[] = ['der-hex', 'raw-hex', 'raw-base64', 'der-base64'];

/** ES256 signature over the exact body bytes. `privateKey`: a KeyObject or a PEM (PKCS#8 or SEC1). */
export function signPanjaya(body: string | Uint8Array, privateKey: KeyObject | string, encoding: PanjayaSignatureEncoding = 'der-hex'): string {
  const key = typeof privateKey === 'string' ? createPrivateKey(privateKey) : privateKey;
  const [layout, text] = encoding.split('-') as ['der' | 'raw', 'hex' | 'base64'];
  const signature = sign('sha256', typeof body === 'string' ? Buffer.from(body, 'utf8') : body, {
    key,
    dsaEncoding: layout === 'der' ? 'der' : 'ieee-p1363',
  });
  return signature.toString(text);
}

/** How a Contentor header signature is written: hex, base64, or GitHub-style `sha256=<hex>`. */
export type ContentorHeaderStyle = 'hex' | 'base64' | 'sha256=hex';
export const contentorHeaderStyles: readonly ContentorHeaderStyle[] = ['hex', 'base64', 'sha256=hex'];

/** `X-Webhook-Signature` value: HMAC-SHA256(secret, raw body). */
export function signContentorHeader(body: string | Uint8Array, secret: string, style: ContentorHeaderStyle = 'hex'): string {
  const digest = createHmac('sha256', secret).update(body).digest();
  if (style === 'base64') return digest.toString('base64');
  return (style === 'sha256=hex' ? 'sha256=' : '') + digest.toString('hex');
}

/** What an envelope signature is computed over: a canonical form of `data`, or `data` exactly as sent. */
export type ContentorEnvelopeForm = CanonicalForm | 'as-sent';

/**
 * A Contentor envelope body `{"data": <data>, "signature": "<base64 HMAC>"}`. `data` is JSON text (sent exactly as
 * given) or a value (sent as `JSON.stringify`). The signature is over `form` of that text, Python's
 * `json.dumps(data, sort_keys=True)` by default, as the provider's samples sign.
 */
export function contentorEnvelope(data: string | Record<string, unknown>, secret: string, form: ContentorEnvelopeForm = 'python'): string {
  const dataText = typeof data === 'string' ? data : JSON.stringify(data);
  const signed = form === 'as-sent' ? dataText : serialiseAs(parseJson(dataText), form);
  const signature = createHmac('sha256', secret).update(signed, 'utf8').digest('base64');
  return `{"data": ${dataText}, "signature": ${JSON.stringify(signature)}}`;
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
