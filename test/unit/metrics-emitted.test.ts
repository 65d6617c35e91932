/**
 * What the functions write for CloudWatch: the EMF blobs the alarms and dashboard read (lib/constructs/monitoring.ts
 * names namespace, metric and `service` dimension) and the structured log lines. Read from stdout/stderr as Lambda
 * would send them to CloudWatch Logs.
 */
import { metricNames, metricsNamespace } from '../../lambda/contracts';
import { makeTelemetry } from '../../lambda/adapters/telemetry';
import { capturing } from '../helpers/capture-output';

interface EmfBlob {
  _aws: { CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string; Unit: string }> }> };
  [key: string]: unknown;
}

/** The EMF blobs among the captured lines (log lines have no `_aws`). */
function emfBlobs(output: string): EmfBlob[] {
  return output
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((entry): entry is EmfBlob => '_aws' in entry);
}

const saved = { disabled: process.env.POWERTOOLS_METRICS_DISABLED, namespace: process.env.POWERTOOLS_METRICS_NAMESPACE };

beforeEach(() => {
  // test/helpers/setup-env.ts turns metrics off for every other suite; here they are the subject.
  delete process.env.POWERTOOLS_METRICS_DISABLED;
  delete process.env.POWERTOOLS_METRICS_NAMESPACE;
});

afterEach(() => {
  for (const [key, value] of [
    ['POWERTOOLS_METRICS_DISABLED', saved.disabled],
    ['POWERTOOLS_METRICS_NAMESPACE', saved.namespace],
  ] as const) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

describe('metrics the alarms read', () => {
  it('publish a counted metric on flush: the product namespace, the Count unit and the service dimension', async () => {
    const output = await capturing(async () => {
      const telemetry = makeTelemetry('receiver');
      telemetry.count(metricNames.rejected);
      telemetry.flush();
    });
    const blobs = emfBlobs(output);
    expect(blobs).toHaveLength(1);
    const [blob] = blobs;
    expect(blob?._aws.CloudWatchMetrics).toEqual([
      { Namespace: metricsNamespace, Dimensions: [['service']], Metrics: [{ Name: metricNames.rejected, Unit: 'Count' }] },
    ]);
    expect(blob?.service).toBe('receiver');
    expect(blob?.[metricNames.rejected]).toBe(1);
  });

  it('use the deployed namespace when the function is given one', async () => {
    process.env.POWERTOOLS_METRICS_NAMESPACE = 'JobWebhookReceiver/Prod';
    const output = await capturing(async () => {
      const telemetry = makeTelemetry('fanout');
      telemetry.count(metricNames.notified);
      telemetry.flush();
    });
    expect(emfBlobs(output).map((b) => b._aws.CloudWatchMetrics[0]?.Namespace)).toEqual(['JobWebhookReceiver/Prod']);
  });

  it('count once more per extra dimension set, beside the service-only count', async () => {
    const output = await capturing(async () => {
      const telemetry = makeTelemetry('receiver');
      telemetry.count(metricNames.quarantined, { reason: 'signature' });
      telemetry.flush();
    });
    const blobs = emfBlobs(output);
    const perReason = blobs.filter((b) => b._aws.CloudWatchMetrics[0]?.Dimensions[0]?.includes('reason'));
    const serviceOnly = blobs.filter((b) => !b._aws.CloudWatchMetrics[0]?.Dimensions[0]?.includes('reason'));
    expect(perReason).toHaveLength(1);
    expect(perReason[0]?._aws.CloudWatchMetrics).toEqual([
      {
        Namespace: metricsNamespace,
        Dimensions: [expect.arrayContaining(['service', 'reason'])],
        Metrics: [{ Name: metricNames.quarantined, Unit: 'Count' }],
      },
    ]);
    expect(perReason[0]).toMatchObject({ service: 'receiver', reason: 'signature', [metricNames.quarantined]: 1 });
    expect(serviceOnly).toHaveLength(1);
    expect(serviceOnly[0]).toMatchObject({ service: 'receiver', [metricNames.quarantined]: 1 });
  });

  it('write nothing on a flush with nothing counted (no empty-metrics warning on every invocation)', async () => {
    const output = await capturing(async () => {
      makeTelemetry('watchdog').flush();
    });
    expect(output).toBe('');
  });

  it('publish once per count: a second flush writes nothing', async () => {
    let afterSecondFlush = '';
    const output = await capturing(async () => {
      const telemetry = makeTelemetry('fanout');
      telemetry.count(metricNames.notified);
      telemetry.flush();
      afterSecondFlush = await capturing(async () => telemetry.flush());
    });
    expect(emfBlobs(output)).toHaveLength(1);
    expect(afterSecondFlush).toBe('');
  });
});

describe('structured logs', () => {
  it('are JSON lines naming the function as the service', async () => {
    const output = await capturing(async () => {
      const telemetry = makeTelemetry('receiver');
      telemetry.logger.setLogLevel('INFO');
      telemetry.logger.info('webhook accepted', { provider: 'contentor' });
    });
    expect(JSON.parse(output.trim())).toMatchObject({ level: 'INFO', message: 'webhook accepted', service: 'receiver', provider: 'contentor' });
  });
});
