/**
 * What happens to a large request (README "Request size"): the receiver's own limit (maxBodyBytes, 413) applies to
 * every body it can accept, because each of them, base64-encoded inside an API Gateway event with the largest headers,
 * fits into Lambda's synchronous payload; anything larger never reaches the function.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { MAX_STORABLE_BODY_BYTES } from '../../lambda/contracts';
import { parseDeployConfig } from '../../lib/config';

/** Lambda: request payload of a synchronous invocation (the whole event JSON). */
const LAMBDA_SYNC_PAYLOAD_BYTES = 6 * 1024 * 1024;
/** API Gateway HTTP API: the request line and headers together may take up to 10240 bytes. */
const HTTP_API_HEADER_BYTES = 10 * 1024;
/** The rest of a payload-2.0 event (requestContext, route, ids), generously. */
const EVENT_ENVELOPE_BYTES = 8 * 1024;

describe('request size', () => {
  it('the largest accepted body, base64-encoded in an event with the largest headers, fits a synchronous invocation', () => {
    const largest = parseDeployConfig({ maxBodyBytes: MAX_STORABLE_BODY_BYTES }).maxBodyBytes;
    const base64 = Math.ceil(largest / 3) * 4;
    // Headers are JSON-escaped in the event (at most doubled), and appear twice (headers and rawHeaders-like fields).
    const event = base64 + 4 * HTTP_API_HEADER_BYTES + EVENT_ENVELOPE_BYTES;
    expect(event).toBeLessThan(LAMBDA_SYNC_PAYLOAD_BYTES);
    expect(() => parseDeployConfig({ maxBodyBytes: MAX_STORABLE_BODY_BYTES + 1 })).toThrow(/maxBodyBytes must be at most/);
  });

  it("is stated in the README: the receiver's 413, Lambda's 6 MB, and what API Gateway does above it", () => {
    const readme = readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### Request size'), readme.indexOf('## Subscribing'));
    expect(section).toContain(`at most ${MAX_STORABLE_BODY_BYTES} bytes`);
    for (const fact of ['413', '6 MB', '4.5 MB', 'Api5xx', '10 MB']) expect(section).toContain(fact);
  });
});
