import { createHash } from 'node:crypto';
import { Names, Stack, Token } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { metricsNamespace } from '../lambda/contracts';

/** CloudWatch namespaces: at most 255 characters of letters, digits and `.-_/#: ` (and never starting with `AWS/`). */
const MAX_NAMESPACE = 255;
const NOT_ALLOWED = /[^0-9A-Za-z.\-_/#: ]/g;

/**
 * The metrics namespace of one receiver instance: `JobWebhookReceiver/<stack name>/<construct path in the stack>`.
 * A stack name is unique per account and region and a path unique per stack, so two stages, two regions' stacks in
 * one account or two instances in one stack never count into, or alarm on, each other's metrics. The functions read
 * it from POWERTOOLS_METRICS_NAMESPACE; the local stack keeps the bare `JobWebhookReceiver`.
 */
export function metricsNamespaceOf(scope: IConstruct): string {
  const stack = Stack.of(scope);
  const stackName = Token.isUnresolved(stack.stackName) ? Names.uniqueId(stack) : stack.stackName;
  const inStack = scope.node.path.slice(stack.node.path.length).replace(/^\//, '');
  const full = [metricsNamespace, stackName, inStack]
    .filter((part) => part.length > 0)
    .join('/')
    .replace(NOT_ALLOWED, '_');
  if (full.length <= MAX_NAMESPACE) return full;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 16);
  return `${full.slice(0, MAX_NAMESPACE - hash.length - 1)}#${hash}`;
}
