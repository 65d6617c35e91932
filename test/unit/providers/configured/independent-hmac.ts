/**
 * HMAC-SHA256 computed by code that shares nothing with ours, for the configured-provider tests: CPython's hmac
 * module (one process for a whole batch) and WebCrypto (a different Node API from the node:crypto createHmac the
 * verifiers use). Signatures made here and accepted by our verifiers prove interoperability, not self-consistency.
 */
import { webcrypto } from 'node:crypto';
import { pythonJson } from '../../../helpers/python';

/** One HMAC to compute: key and message as bytes. */
export interface HmacJob {
  readonly key: Uint8Array;
  readonly message: Uint8Array;
}

const PYTHON_HMAC = `
import base64, hashlib, hmac, json, sys
out = []
for line in sys.stdin:
    job = json.loads(line)
    key = base64.b64decode(job["key"])
    message = base64.b64decode(job["message"])
    out.append(base64.b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode("ascii"))
print(json.dumps(out))
`;

/** Base64 HMAC-SHA256 digests from CPython, in job order. */
export function pythonHmacBase64(jobs: readonly HmacJob[]): string[] {
  const input = jobs
    .map((job) => JSON.stringify({ key: Buffer.from(job.key).toString('base64'), message: Buffer.from(job.message).toString('base64') }))
    .join('\n');
  return pythonJson<string[]>(PYTHON_HMAC, input);
}

/** HMAC-SHA256 digest bytes through WebCrypto. */
export async function webCryptoHmac(key: Uint8Array, message: Uint8Array): Promise<Buffer> {
  const imported = await webcrypto.subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return Buffer.from(await webcrypto.subtle.sign('HMAC', imported, message));
}
