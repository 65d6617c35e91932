/**
 * Lambda refuses a function whose environment (every variable's name and value) exceeds 4 KB, at deploy time. This
 * checks it at synth instead, on the resolved environment: a value that is still a token (a topic ARN, a table name, a
 * JSON of secret ARNs) counts at the longest it can become once CloudFormation fills it in.
 */
import { CfnResource, Stack, type IResolvable } from 'aws-cdk-lib';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import type { IConstruct } from 'constructs';

/** Lambda's limit on the environment of one function (names and values, all variables). */
export const LAMBDA_ENVIRONMENT_LIMIT_BYTES = 4096;

// Longest values of the pseudo parameters today: partition `aws-us-gov`, a 12-digit account, regions up to 14
// characters (`ap-southeast-7`; 16 leaves room for a longer one), URL suffix `amazonaws.com.cn`.
const PARTITION = 10;
const REGION = 16;
const ACCOUNT = 12;
const URL_SUFFIX = 16;
/** CloudFormation's random suffix of a generated physical name (12 or 13 characters) and its separator. */
const GENERATED_SUFFIX = 14;

/** A resource type's longest physical name, and what its Ref and attributes are made of. */
interface TypeBounds {
  /** The service's maximum name length. */
  readonly maxName: number;
  /** The property holding an explicit name, if the type has one. */
  readonly nameProperty?: string;
  /** Length of `Ref`, given the name's length. */
  readonly ref: (name: number) => number;
  /** Length of each `Fn::GetAtt` attribute we use, given the name's length. */
  readonly attributes: Readonly<Record<string, (name: number) => number>>;
}

/** `arn:<partition>:<service>:<region>:<account>:` */
const arnPrefix = (service: string) => 'arn:'.length + PARTITION + 1 + service.length + 1 + REGION + 1 + ACCOUNT + 1;
const KEY_ID = 36;

const bounds: Readonly<Record<string, TypeBounds>> = {
  'AWS::SNS::Topic': {
    maxName: 256,
    nameProperty: 'topicName',
    ref: (name) => arnPrefix('sns') + name,
    attributes: { TopicArn: (name) => arnPrefix('sns') + name, TopicName: (name) => name },
  },
  'AWS::DynamoDB::Table': {
    maxName: 255,
    nameProperty: 'tableName',
    ref: (name) => name,
    // The stream label is an ISO timestamp with milliseconds (23 characters).
    attributes: { Arn: (name) => arnPrefix('dynamodb') + 'table/'.length + name, StreamArn: (name) => arnPrefix('dynamodb') + 'table/'.length + name + 31 },
  },
  'AWS::SecretsManager::Secret': {
    maxName: 512,
    nameProperty: 'name',
    // Secrets Manager appends "-" and six random characters to the name in the ARN.
    ref: (name) => arnPrefix('secretsmanager') + 'secret:'.length + name + 7,
    attributes: { Id: (name) => arnPrefix('secretsmanager') + 'secret:'.length + name + 7 },
  },
  'AWS::KMS::Key': {
    maxName: KEY_ID,
    ref: () => KEY_ID,
    attributes: { Arn: () => arnPrefix('kms') + 'key/'.length + KEY_ID, KeyId: () => KEY_ID },
  },
  'AWS::SQS::Queue': {
    maxName: 80,
    nameProperty: 'queueName',
    ref: (name) => 'https://sqs.'.length + REGION + 1 + URL_SUFFIX + 1 + ACCOUNT + 1 + name,
    attributes: { Arn: (name) => arnPrefix('sqs') + name, QueueName: (name) => name },
  },
  'AWS::Logs::LogGroup': {
    maxName: 512,
    nameProperty: 'logGroupName',
    ref: (name) => name,
    attributes: { Arn: (name) => arnPrefix('logs') + 'log-group:'.length + name + 2 },
  },
};

const pseudo: Readonly<Record<string, (stack: Stack) => number>> = {
  'AWS::Partition': () => PARTITION,
  'AWS::Region': () => REGION,
  'AWS::AccountId': () => ACCOUNT,
  'AWS::URLSuffix': () => URL_SUFFIX,
  'AWS::StackName': (stack) => stack.stackName.length,
};

/** Thrown for a value whose longest form cannot be known here (add its type to `bounds`). */
export class UnboundedValueError extends Error {
  override readonly name = 'UnboundedValueError';
}

/** Longest length of a resolved CloudFormation value: literals as they are, intrinsics at their longest. */
export function longestLength(value: unknown, stack: Stack, resources: ReadonlyMap<string, CfnResource>): number {
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
  if (typeof value === 'number' || typeof value === 'boolean') return String(value).length;
  if (value === null || typeof value !== 'object') throw new UnboundedValueError(`cannot measure ${JSON.stringify(value)}`);
  const [fn, arg] = Object.entries(value)[0] ?? [];
  if (fn === 'Ref' && typeof arg === 'string') {
    const p = pseudo[arg];
    if (p) return p(stack);
    const { type, name } = physicalName(arg, stack, resources);
    return type.ref(name);
  }
  if (fn === 'Fn::GetAtt' && Array.isArray(arg)) {
    const [logicalId, attribute] = arg as [string, string];
    const { type, name, typeName } = physicalName(logicalId, stack, resources);
    const attr = type.attributes[attribute];
    if (!attr) throw new UnboundedValueError(`no longest length known for ${typeName}.${attribute} (lib/environment-budget.ts bounds)`);
    return attr(name);
  }
  if (fn === 'Fn::Join' && Array.isArray(arg)) {
    const [separator, parts] = arg as [string, unknown[]];
    return parts.reduce<number>((sum, part) => sum + longestLength(part, stack, resources), 0) + separator.length * Math.max(0, parts.length - 1);
  }
  throw new UnboundedValueError(`no longest length known for ${JSON.stringify(value).slice(0, 120)}`);
}

/** The resource's type bounds and the longest its physical name can be (explicit, or generated by CloudFormation). */
function physicalName(logicalId: string, stack: Stack, resources: ReadonlyMap<string, CfnResource>) {
  const resource = resources.get(logicalId);
  if (!resource) throw new UnboundedValueError(`no resource ${logicalId} in stack ${stack.stackName}`);
  const typeName = resource.cfnResourceType;
  const type = bounds[typeName];
  if (!type) throw new UnboundedValueError(`no longest length known for a Ref to ${typeName} (lib/environment-budget.ts bounds)`);
  // Some L2s set the name to a token that resolves to undefined when no name was given.
  const explicit: unknown = type.nameProperty ? stack.resolve((resource as unknown as Record<string, unknown>)[type.nameProperty]) : undefined;
  if (explicit !== undefined) return { type, typeName, name: Math.min(type.maxName, longestLength(explicit, stack, resources)) };
  // Generated: `<stack name>-<logical id>-<random>`, cut to the service's limit.
  return { type, typeName, name: Math.min(type.maxName, stack.stackName.length + 1 + logicalId.length + GENERATED_SUFFIX) };
}

/** Every CloudFormation resource of the stack, by logical id. */
function resourcesByLogicalId(stack: Stack): Map<string, CfnResource> {
  const map = new Map<string, CfnResource>();
  for (const node of stack.node.findAll()) {
    if (CfnResource.isCfnResource(node) && Stack.of(node) === stack) map.set(stack.resolve(node.logicalId) as string, node);
  }
  return map;
}

/** Each variable of a function's environment with the most bytes it can take (name and value). */
export function environmentBytes(fn: CfnFunction): Array<{ name: string; bytes: number }> {
  const stack = Stack.of(fn);
  const resolved = stack.resolve(fn.environment as IResolvable | undefined) as { variables?: Record<string, unknown> } | undefined;
  const resources = resourcesByLogicalId(stack);
  return Object.entries(resolved?.variables ?? {}).map(([name, value]) => ({
    name,
    bytes: Buffer.byteLength(name, 'utf8') + longestLength(value, stack, resources),
  }));
}

/**
 * Fails synth (a construct validation) when the function's environment can exceed Lambda's 4 KB, naming the largest
 * variables and the configuration that fills them.
 */
export function validateEnvironmentBudget(scope: IConstruct, fn: CfnFunction): void {
  scope.node.addValidation({
    validate: () => {
      let variables: Array<{ name: string; bytes: number }>;
      try {
        variables = environmentBytes(fn);
      } catch (error) {
        if (!(error instanceof UnboundedValueError)) throw error;
        return [`environment size cannot be checked: ${error.message}`];
      }
      const total = variables.reduce((sum, v) => sum + v.bytes, 0);
      if (total <= LAMBDA_ENVIRONMENT_LIMIT_BYTES) return [];
      const largest = [...variables]
        .sort((a, b) => b.bytes - a.bytes)
        .slice(0, 3)
        .map((v) => `${v.name} ${v.bytes}`)
        .join(', ');
      return [
        `the function's environment can reach ${total} bytes, more than Lambda's ${LAMBDA_ENVIRONMENT_LIMIT_BYTES} (largest: ${largest}); ` +
          'declare fewer or shorter configured providers (labels, status maps), trust fewer Panjaya keys, or split the providers across stacks',
      ];
    },
  });
}
