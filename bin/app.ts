#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ConfigError, configFromContext, type DeployConfig } from '../lib/config';
import { ControlTowerGuardValidator } from '../lib/policy-validation';
import { JobWebhookReceiverStack } from '../lib/stack';
import { STACK_ID } from '../lambda/contracts';

const app = new App();

// Context from cdk.json or `-c key=value`, validated before anything is built; a bad value stops synth with its name.
let config: DeployConfig;
try {
  config = configFromContext((key) => app.node.tryGetContext(key), Object.keys(app.node.getAllContext()));
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}

// Environment-agnostic on purpose: deploys to whichever account/region the CLI credentials point at.
new JobWebhookReceiverStack(app, STACK_ID, { receiver: config });
// cdk-nag and Control Tower's guard rules run at synth; every accepted finding: lib/policy-acknowledgements.ts.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ControlTowerGuardValidator());
