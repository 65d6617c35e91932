#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { configFromContext } from '../lib/config';
import { JobWebhookReceiverStack, STACK_ID } from '../lib/stack';

const app = new App();
// Context from cdk.json or `-c key=value`, validated before anything is built; a bad value stops synth with its name.
const config = configFromContext((key) => app.node.tryGetContext(key));
new JobWebhookReceiverStack(app, STACK_ID, {
  receiver: config,
  // Environment-agnostic on purpose: deployable to whichever account/region the CLI credentials point at.
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
