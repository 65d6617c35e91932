/**
 * Signing the way each provider signs, for the `send` CLI and the tests. The verifiers in lambda/core/providers are
 * the other side of these functions; the CPython golden vectors keep the Python envelope form honest.
 */
import { createHmac, createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { parseJson, serialiseAs, type CanonicalForm } from '../../lambda/core/canonical-json';

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
