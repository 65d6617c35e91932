/**
 * Each receiver instance counts into its own metrics namespace, and its alarms and dashboard read that one, so two
 * stages, two stacks or two instances in one account and region never fire each other's alarms.
 */
import { App, Stack } from 'aws-cdk-lib';
import { CfnAlarm, CfnDashboard } from 'aws-cdk-lib/aws-cloudwatch';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { metricsNamespace } from '../../lambda/contracts';
import { JobWebhookReceiver } from '../../lib/job-webhook-receiver';

const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
const staging = new Stack(app, 'JobWebhookReceiver-staging');
const production = new Stack(app, 'JobWebhookReceiver-production');
const instances = [new JobWebhookReceiver(staging, 'Receiver'), new JobWebhookReceiver(staging, 'Second'), new JobWebhookReceiver(production, 'Receiver')];

/** The custom (non-AWS/) namespaces an instance's alarms and dashboard read, and the one its functions count into. */
function namespacesOf(receiver: JobWebhookReceiver) {
  const stack = Stack.of(receiver);
  const read = new Set<string>();
  for (const node of receiver.node.findAll()) {
    if (node instanceof CfnAlarm) {
      const alarm = stack.resolve({ namespace: node.namespace, metrics: node.metrics }) as {
        namespace?: string;
        metrics?: Array<{ metricStat?: { metric: { namespace: string } } }>;
      };
      for (const ns of [alarm.namespace, ...(alarm.metrics ?? []).map((m) => m.metricStat?.metric.namespace)]) if (ns) read.add(ns);
    }
    if (node instanceof CfnDashboard) {
      const body = JSON.stringify(stack.resolve(node.dashboardBody));
      for (const match of body.matchAll(/JobWebhookReceiver\/[^\\",]+/g)) read.add(match[0]);
    }
  }
  const counted = [receiver.receiver, receiver.fanout, receiver.parts.watchdog.function.function].map((fn) => {
    const env = stack.resolve((fn.node.defaultChild as CfnFunction).environment) as { variables: Record<string, string> };
    return env.variables.POWERTOOLS_METRICS_NAMESPACE;
  });
  return { read: [...read].filter((ns) => !ns.startsWith('AWS/')), counted };
}

describe('metrics namespace per instance', () => {
  it('is JobWebhookReceiver/<stack name>/<construct path>, different for every instance', () => {
    expect(instances.map((r) => r.metricsNamespace)).toEqual([
      `${metricsNamespace}/JobWebhookReceiver-staging/Receiver`,
      `${metricsNamespace}/JobWebhookReceiver-staging/Second`,
      `${metricsNamespace}/JobWebhookReceiver-production/Receiver`,
    ]);
  });

  it("is where each instance's three functions count, and the only one its alarms and dashboard read", () => {
    for (const receiver of instances) {
      const { read, counted } = namespacesOf(receiver);
      expect(counted).toEqual([receiver.metricsNamespace, receiver.metricsNamespace, receiver.metricsNamespace]);
      expect(read).toEqual([receiver.metricsNamespace]);
    }
  });

  it('keeps to what CloudWatch accepts: allowed characters only, at most 255 of them', () => {
    const odd = new JobWebhookReceiver(new Stack(new App(), 'Stack-With-Hyphens'), 'Ünïcode id');
    const long = new JobWebhookReceiver(new Stack(new App(), 'S'.repeat(120)), 'R'.repeat(200));
    expect(odd.metricsNamespace).toBe(`${metricsNamespace}/Stack-With-Hyphens/_n_code id`);
    expect(long.metricsNamespace).toMatch(/^JobWebhookReceiver\/S{120}\/R+#[0-9a-f]{16}$/);
    for (const ns of [odd.metricsNamespace, long.metricsNamespace]) expect(ns).toMatch(/^[0-9A-Za-z.\-_/#: ]{1,255}$/);
  });
});
