/**
 * The `reason` a refused delivery is counted and logged under (the `WebhookRejected` metric's dimension, the log
 * line's field: lambda/handlers/receiver/handler.ts), for the refusals decided before any secret or storage, and
 * the wording of a function's start-up error when its environment is wrong.
 */
import { metricNames } from '../../lambda/contracts';
import { readReceiverEnv } from '../../lambda/config/receiver-env';
import { trustResolver } from '../../lambda/core/trust';
import { capturing } from '../helpers/capture-output';
import { receiverBeforeStorage } from '../helpers/receiver-before-storage';

async function refused(provider: string, body: string): Promise<{ status: number; lines: Array<Record<string, unknown>> }> {
  const saved = process.env.POWERTOOLS_METRICS_DISABLED;
  delete process.env.POWERTOOLS_METRICS_DISABLED;
  try {
    const handler = receiverBeforeStorage({ trust: trustResolver({}), maxBodyBytes: 64, why: 'a refused delivery is never stored' });
    let status = 0;
    const output = await capturing(async () => {
      const response = await handler({ pathParameters: { provider }, headers: {}, body, isBase64Encoded: false } as never);
      status = response.statusCode ?? 0;
    });
    const lines = output
      .split('\n')
      .filter((line) => line.trim().length > 0)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    return { status, lines };
  } finally {
    if (saved === undefined) delete process.env.POWERTOOLS_METRICS_DISABLED;
    else process.env.POWERTOOLS_METRICS_DISABLED = saved;
  }
}

describe('a refused delivery is counted and logged with its reason', () => {
  it.each([
    ['an unknown provider', 'nosuchprovider', '{}', 404, 'unknown_provider'],
    ['a body over the limit', 'contentor', `{"pad":"${'x'.repeat(100)}"}`, 413, 'payload_too_large'],
  ])('%s: %s', async (_what, provider, body, status, reason) => {
    const r = await refused(provider, body);
    expect(r.status).toBe(status);
    expect(r.lines.find((l) => l.message === 'webhook rejected')).toMatchObject({ reason, status });
    const perReason = r.lines.find((l) => '_aws' in l && l.reason !== undefined);
    expect(perReason).toMatchObject({ reason, [metricNames.rejected]: 1 });
  });
});

describe("a function's environment", () => {
  it('when wrong, is refused naming the variable and what was expected', () => {
    expect(() => readReceiverEnv({} as never)).toThrow('TABLE_NAME: Invalid input: expected string, received undefined');
  });
});
