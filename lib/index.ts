/**
 * The construct library (package entry, `main`/`types` in package.json): the whole receiver as one construct for a
 * team's own CDK app, its props (the configuration reference) and the ready-made stack. The functions ship
 * pre-bundled in the package (scripts/build-package.ts), so a consumer needs neither esbuild nor these sources.
 */
export { JobWebhookReceiver, type JobWebhookReceiverProps } from './job-webhook-receiver';
export { JobWebhookReceiverStack, type JobWebhookReceiverStackProps } from './stack';
export { ConfigError, parseDeployConfig, type DeployConfig, type LogRetentionDays } from './config';
// Applied by the construct itself; listed for readers of the accepted findings and their reasons.
export { guardAcknowledgements, nagAcknowledgements } from './policy-acknowledgements';
export { outputNames, STACK_ID } from '../lambda/contracts';
