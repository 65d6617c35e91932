/**
 * What a configured provider's sender is told (the 401's reason and message) and what the operator's log keeps when a
 * delivery is refused, for each configured signature scheme. Never a digest or a secret.
 */
import { SignatureError } from '../../../../lambda/core/errors';
import { verifyHmacHeader, type HmacHeaderScheme } from '../../../../lambda/core/providers/configured/hmac-header';
import { decodeStandardWebhooksSecret, verifyStandardWebhook } from '../../../../lambda/core/providers/configured/standard-webhooks';
import { signHmacHeader, signStandardWebhook } from '../../../helpers/signing';
import { request } from '../outcome';

type Refusal = Pick<SignatureError, 'reason' | 'message' | 'logDetail'>;
function refusalOf(run: () => unknown): Refusal {
  try {
    run();
  } catch (error) {
    if (error instanceof SignatureError) return { reason: error.reason, message: error.message, logDetail: error.logDetail };
    throw error;
  }
  throw new Error('expected a SignatureError');
}

describe('Standard Webhooks refusals', () => {
  const secret = `whsec_${Buffer.alloc(32, 3).toString('base64')}`;
  const otherSecret = `whsec_${Buffer.alloc(32, 4).toString('base64')}`;
  const body = '{"id": "pred-1", "status": "succeeded"}';
  const timestamp = 1_767_225_600;
  const options = { toleranceSeconds: 300, nowSeconds: timestamp };
  let keys: Buffer[] = [];
  beforeAll(() => {
    keys = [decodeStandardWebhooksSecret(secret)];
  });
  const signed = (prefix: 'webhook' | 'svix' = 'webhook', id = 'msg_1') => signStandardWebhook(body, secret, { id, timestamp, headerPrefix: prefix });
  const refusal = (headers: Record<string, string>, verifyWith: readonly Uint8Array[] = keys) =>
    refusalOf(() => verifyStandardWebhook(request(body, headers), verifyWith, options));

  it.each(['webhook', 'svix'] as const)('names the %s-* header that is missing', (prefix) => {
    for (const name of ['id', 'timestamp', 'signature']) {
      const headers = { ...signed(prefix) };
      delete headers[`${prefix}-${name}`];
      expect(refusal(headers)).toMatchObject({ reason: 'missing_signature', message: `Missing ${prefix}-${name} header` });
    }
  });
  it.each(['webhook-id', 'webhook-timestamp', 'webhook-signature'])('reads the webhook-* family as soon as %s alone is there', (name) => {
    const svix = signed('svix');
    const headers = { ...svix, [name]: signed('webhook')[name] as string };
    expect(refusal(headers).reason).toBe('missing_signature');
    expect(refusal(headers).message).toMatch(/^Missing webhook-/);
  });
  it('reads a header value without its surrounding spaces', () => {
    const headers = signed();
    const spaced = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, ` ${value}\t`]));
    expect(() => verifyStandardWebhook(request(body, spaced), keys, options)).not.toThrow();
  });
  it('says what a timestamp must be, naming the header it read', () => {
    expect(refusal({ ...signed('svix'), 'svix-timestamp': 'soon' })).toEqual({
      reason: 'malformed_signature',
      message: 'Malformed svix-timestamp: expected whole seconds since the epoch',
      logDetail: undefined,
    });
  });
  it('reads a 15-digit timestamp as a time (too far ahead), not as malformed', () => {
    expect(refusal({ ...signed(), 'webhook-timestamp': '999999999999999' }).reason).toBe('timestamp_too_new');
  });
  it('says too old with the tolerance it applied', () => {
    expect(refusalOf(() => verifyStandardWebhook(request(body, signed()), keys, { toleranceSeconds: 60, nowSeconds: timestamp + 61 }))).toMatchObject({
      reason: 'timestamp_too_old',
      message: 'Webhook timestamp too old: outside the 60 s tolerance',
    });
  });
  it('says there is no v1 entry, naming the header', () => {
    expect(refusal({ ...signed(), 'webhook-signature': 'v2,abc' })).toEqual({
      reason: 'unsupported_algorithm',
      message: 'No v1 (HMAC-SHA256) entry in webhook-signature',
      logDetail: undefined,
    });
  });
  it('says what a v1 entry looks like when none decodes to a digest', () => {
    expect(refusal({ ...signed(), 'webhook-signature': 'v1,AAAA' })).toEqual({
      reason: 'malformed_signature',
      message: 'Malformed webhook-signature: expected v1,<base64 HMAC-SHA256>',
      logDetail: undefined,
    });
  });
  it('logs how many secrets and candidate signatures were tried, never a digest', () => {
    const twoEntries = signStandardWebhook(body, [otherSecret, otherSecret], { id: 'msg_1', timestamp });
    expect(refusal(twoEntries, [...keys, ...keys])).toEqual({
      reason: 'invalid_signature',
      message: 'Invalid signature',
      logDetail: { secrets: 2, candidates: 2 },
    });
  });
  it('reads a signature header joined with ", " (a repeated header) whichever entry is the good one', () => {
    const good = signed()['webhook-signature'] as string;
    const other = signStandardWebhook(body, otherSecret, { id: 'msg_1', timestamp })['webhook-signature'] as string;
    for (const joined of [`${good}, ${other}`, `${other}, ${good}`, `${good},  ${other}`]) {
      expect(() => verifyStandardWebhook(request(body, { ...signed(), 'webhook-signature': joined }), keys, options)).not.toThrow();
    }
  });
  it('accepts a v1 signature written without its = padding', () => {
    const good = signed()['webhook-signature'] as string;
    expect(good.endsWith('=')).toBe(true);
    expect(() => verifyStandardWebhook(request(body, { ...signed(), 'webhook-signature': good.replace(/=+$/, '') }), keys, options)).not.toThrow();
  });
  it('reads only an entry labelled exactly v1 before its comma', () => {
    expect(refusal({ ...signed(), 'webhook-signature': 'v1a' }).reason).toBe('unsupported_algorithm');
    expect(refusal({ ...signed(), 'webhook-signature': 'v1' }).reason).toBe('unsupported_algorithm');
  });
  it('names its secret error so a start-up failure says what it is', () => {
    expect(() => decodeStandardWebhooksSecret('whsec_!')).toThrow(expect.objectContaining({ name: 'StandardWebhooksSecretError' }));
  });
  it('skips entries of another version and reads the v1 entry after them', () => {
    const headers = signed();
    expect(() =>
      verifyStandardWebhook(request(body, { ...headers, 'webhook-signature': `v1a,xyz v0,abc ${headers['webhook-signature']}` }), keys, options),
    ).not.toThrow();
  });
});

describe('hmac-sha256 header refusals', () => {
  const scheme: HmacHeaderScheme = { header: 'X-Plain-Signature', encoding: 'base64' };
  const secret = 'plain-secret';
  const body = '{"job": {"id": "j-1"}}';
  const refusal = (headers: Record<string, string>, secrets = [secret]) => refusalOf(() => verifyHmacHeader(request(body, headers), secrets, scheme));

  it('names the configured header when it is missing', () => {
    expect(refusal({})).toEqual({ reason: 'missing_signature', message: 'Missing X-Plain-Signature header', logDetail: undefined });
  });
  it('says what form it expected when there is no prefix configured', () => {
    expect(refusal({ 'x-plain-signature': 'not a digest' })).toEqual({
      reason: 'malformed_signature',
      message: 'Malformed X-Plain-Signature: expected <HMAC-SHA256 as base64>',
      logDetail: undefined,
    });
  });
  it('logs how many usable secrets and candidate digests were tried, never a digest', () => {
    const wrong = signHmacHeader(body, 'other-secret', scheme);
    expect(refusal({ 'x-plain-signature': `${wrong}, ${wrong}` }, [secret, '', 'second-secret'])).toEqual({
      reason: 'invalid_signature',
      message: 'Invalid signature',
      logDetail: { secrets: 2, candidates: 2 },
    });
  });
  it('reads a configured prefix only at the start of the value', () => {
    const prefixed: HmacHeaderScheme = { header: 'X-Sig', encoding: 'hex', prefix: 'sha256=' };
    const digest = signHmacHeader(body, secret, { encoding: 'hex' });
    const outcome = (value: string) => refusalOf(() => verifyHmacHeader(request(body, { 'x-sig': value }), [secret], prefixed)).reason;
    expect(outcome(`${digest.slice(0, 7)}sha256=${digest.slice(7)}`)).toBe('malformed_signature');
    expect(outcome(`xsha256=${digest}`)).toBe('malformed_signature');
    expect(() => verifyHmacHeader(request(body, { 'x-sig': `SHA256=${digest}` }), [secret], prefixed)).not.toThrow();
  });
});
