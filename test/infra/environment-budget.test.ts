/**
 * Lambda's 4 KB environment, checked at synth on the whole resolved environment of each function (lib/environment-
 * budget.ts): literals as they are, ARNs and names that are still tokens at the longest they can become.
 */
import { App, Stack } from 'aws-cdk-lib';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import type { CfnTopic } from 'aws-cdk-lib/aws-sns';
import { envNames } from '../../lambda/contracts';
import { environmentBytes, LAMBDA_ENVIRONMENT_LIMIT_BYTES } from '../../lib/environment-budget';
import { JobWebhookReceiver, type JobWebhookReceiverProps } from '../../lib/job-webhook-receiver';
import { exampleProviders } from '../fixtures/configured-providers';
import { synth } from './synth';

/** A receiver in a fresh app, not synthesized (so a too-large environment can be measured before synth refuses it). */
function build(props: JobWebhookReceiverProps = {}) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'JobWebhookReceiver');
  return { app, stack, receiver: new JobWebhookReceiver(stack, 'Receiver', props) };
}

const bytesOf = (receiver: JobWebhookReceiver, fn: 'receiver' | 'fanout' | 'watchdog') => {
  const target = fn === 'watchdog' ? receiver.parts.watchdog.function.function : receiver[fn];
  return environmentBytes(target.node.defaultChild as CfnFunction);
};
const total = (variables: Array<{ bytes: number }>) => variables.reduce((sum, v) => sum + v.bytes, 0);
const variable = (variables: Array<{ name: string; bytes: number }>, name: string) => variables.find((v) => v.name === name)?.bytes;

/** Many configured providers: each a copy of the README's Replicate declaration under another name. */
const manyProviders = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`provider-${i}`, exampleProviders.replicate]));

describe('environment budget', () => {
  it('counts a topic ARN at its longest: partition, region, account and a CloudFormation-generated name', () => {
    const { stack, receiver } = build();
    const topicLogicalId = stack.getLogicalId(receiver.succeededTopic.node.defaultChild as CfnTopic);
    // arn:aws-us-gov:sns:<16>:<12 digits>:<stack name>-<logical id>-<random 13>
    const longestName = 'JobWebhookReceiver'.length + 1 + topicLogicalId.length + 14;
    const longestArn = 'arn:'.length + 'aws-us-gov'.length + ':sns:'.length + 16 + 1 + 12 + 1 + longestName;
    expect(variable(bytesOf(receiver, 'fanout'), envNames.succeededTopicArn)).toBe(envNames.succeededTopicArn.length + longestArn);
  });

  it('counts literals byte for byte, the variable name included', () => {
    const { receiver } = build({ alertStatuses: 'failed,stalled,succeeded' });
    expect(variable(bytesOf(receiver, 'fanout'), envNames.alertStatuses)).toBe(envNames.alertStatuses.length + 'succeeded,failed,stalled'.length);
  });

  it("counts the configured providers' secret ARNs, not just their declarations", () => {
    const { receiver } = build({ providers: exampleProviders });
    const arns = variable(bytesOf(receiver, 'receiver'), envNames.providerSecretArns) ?? 0;
    // Two ARNs of at least arn:aws-us-gov:secretsmanager:<16>:<12>:secret:<name>-XXXXXX each, in a JSON object.
    expect(arns).toBeGreaterThan(2 * ('arn:aws-us-gov:secretsmanager:'.length + 16 + 1 + 12 + ':secret:'.length + 7));
  });

  it('leaves every function of the default stack and of the README provider example well within 4 KB', () => {
    for (const props of [{}, { providers: exampleProviders }]) {
      const { receiver } = build(props);
      for (const fn of ['receiver', 'fanout', 'watchdog'] as const) {
        expect({ fn, fits: total(bytesOf(receiver, fn)) <= LAMBDA_ENVIRONMENT_LIMIT_BYTES }).toEqual({ fn, fits: true });
      }
    }
    expect(() => synth({ providers: JSON.stringify(exampleProviders) }, { bundle: false })).not.toThrow();
  });

  it('fails synth when the ARNs push an environment over 4 KB that its literal values alone would fit', () => {
    // Find the number of providers at which the receiver's literal values still fit but the whole environment does not.
    const literalBytes = (variables: Array<{ name: string; bytes: number }>, receiver: JobWebhookReceiver) => {
      const fn = receiver.receiver.node.defaultChild as CfnFunction;
      const literals = Stack.of(fn).resolve(fn.environment) as { variables: Record<string, unknown> };
      return variables.filter((v) => typeof literals.variables[v.name] === 'string').reduce((sum, v) => sum + v.bytes, 0);
    };
    let count = 1;
    for (; count < 20; count++) {
      const { receiver } = build({ providers: manyProviders(count) });
      const variables = bytesOf(receiver, 'receiver');
      if (total(variables) > LAMBDA_ENVIRONMENT_LIMIT_BYTES) {
        expect(literalBytes(variables, receiver)).toBeLessThanOrEqual(LAMBDA_ENVIRONMENT_LIMIT_BYTES);
        break;
      }
    }
    const { app } = build({ providers: manyProviders(count) });
    expect(() => app.synth()).toThrow(
      new RegExp(
        `\\[JobWebhookReceiver/Receiver/Receiver\\] the function's environment can reach \\d+ bytes, more than Lambda's 4096 \\(largest: ${envNames.providers} \\d+.*${envNames.providerSecretArns} \\d+`,
      ),
    );
  });

  it('names the function, the largest variables and the fix when the declarations are too large', () => {
    const { app } = build({ providers: manyProviders(12) });
    expect(() => app.synth()).toThrow(/Receiver\/Fanout\] the function's environment can reach \d+ bytes.*declare fewer or shorter configured providers/);
  });
});
