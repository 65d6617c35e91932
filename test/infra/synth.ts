import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { configFromContext } from '../../lib/config';
import { JobWebhookReceiverStack } from '../../lib/stack';
import { metricsNamespace, STACK_ID } from '../../lambda/contracts';

/** cdk.json's context (feature flags and any defaults): the tests synthesize what `cdk synth` would. */
const cdkJsonContext = (JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }).context;

/** The metrics namespace of the app's stack (lib/metrics-namespace.ts): `JobWebhookReceiver/<stack name>/<construct path>`. */
export const APP_METRICS_NAMESPACE = `${metricsNamespace}/${STACK_ID}/Receiver`;

export interface Synthesized {
  app: App;
  stack: JobWebhookReceiverStack;
  template: Template;
}

/**
 * Builds the stack the way bin/app.ts does, from context values. `bundle: false` skips esbuild (CDK's
 * `aws:cdk:bundling-stacks` context) for tests about configuration variants; the shared default stack of each test
 * file bundles for real.
 */
export function synth(context: Record<string, unknown> = {}, options: { bundle?: boolean; outdir?: string } = {}): Synthesized {
  const app = new App({
    context: { ...cdkJsonContext, ...context, ...(options.bundle === false ? { 'aws:cdk:bundling-stacks': [] } : {}) },
    ...(options.outdir ? { outdir: options.outdir } : {}),
  });
  const config = configFromContext((key) => app.node.tryGetContext(key), Object.keys(app.node.getAllContext()));
  const stack = new JobWebhookReceiverStack(app, STACK_ID, { receiver: config });
  return { app, stack, template: Template.fromStack(stack) };
}

/** Resources of one type in a synthesized template, keyed by logical id. */
export function resourcesOf(template: Template, type: string): Record<string, { Properties: Record<string, unknown> }> {
  return template.findResources(type) as Record<string, { Properties: Record<string, unknown> }>;
}
