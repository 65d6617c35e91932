#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ConfigError, configFromContext, type DeployConfig } from '../lib/config';
import { ControlTowerGuardValidator, RecordedPlugin, reportPolicyChecksOnExit } from '../lib/policy-validation';
import { JobWebhookReceiverStack } from '../lib/stack';
import { STACK_ID } from '../lambda/contracts';

/** The app; exported so a test app can add a resource with a known finding and see synth refuse it. */
export const app = new App();

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
const checks = [
  new RecordedPlugin(new AwsSolutionsChecks(app), 'cdk-nag AwsSolutions'),
  new RecordedPlugin(new ControlTowerGuardValidator(), 'AWS Control Tower guard rules'),
];
Validations.of(app).addPlugins(...checks);
reportPolicyChecksOnExit(checks);
