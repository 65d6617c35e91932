/**
 * Finds the stack the CLIs talk to: `--outputs FILE`, else $LOCAL_OUTPUTS_FILE, else $LOCAL_STATE_DIR/outputs.json
 * (default `.local/outputs.json`). The file has the `cdk deploy --outputs-file` shape: {"<StackName>": {...}}.
 * A local stack's file also names emulator endpoints; a deployed stack's does not, and the SDK's default
 * credential chain is used. Region for a deployed stack: AWS_REGION when set, else the region in the stack's own
 * ARNs (its topic ARNs in the outputs file), else the SDK's chain (the profile's region in ~/.aws/config), so a
 * tool talks to the region the stack was deployed to without extra flags.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { issueLines, localOutputNames, outputNames, STACK_ID } from '../../lambda/contracts';
import { builtInSecretOutputs } from '../../lambda/core/providers';

export const StackOutputsSchema = z.object({
  [outputNames.apiUrl]: z.string().optional(),
  [outputNames.tableName]: z.string(),
  [outputNames.succeededTopicArn]: z.string().optional(),
  [outputNames.failedTopicArn]: z.string().optional(),
  [outputNames.jobAlertsTopicArn]: z.string().optional(),
  [outputNames.alarmTopicArn]: z.string().optional(),
  /** Deployed stacks: JSON object from provider name to its secret's ARN (built-in and configured providers). */
  [outputNames.providerSecretArns]: z.string().optional(),
  /** The fan-out's dead-letter queue (deployed and local): redrive reports on its failure records. */
  [outputNames.deadLetterQueueUrl]: z.string().optional(),
  /** Local stack only: the emulators' endpoints and its dead-letter queue's ARN. */
  [localOutputNames.dynamoDbEndpoint]: z.string().optional(),
  [localOutputNames.snsEndpoint]: z.string().optional(),
  [localOutputNames.deadLetterQueueArn]: z.string().optional(),
  // A built-in's own secret output (Contentor: ContentorSecretArn), named by its module.
  ...Object.fromEntries(builtInSecretOutputs.map(({ outputName }) => [outputName, z.string().optional()])),
});
export type StackOutputs = z.infer<typeof StackOutputsSchema>;

export function defaultOutputsFile(env: NodeJS.ProcessEnv = process.env): string {
  return env.LOCAL_OUTPUTS_FILE ?? path.join(env.LOCAL_STATE_DIR ?? '.local', 'outputs.json');
}

export function loadOutputs(file: string | undefined, env: NodeJS.ProcessEnv = process.env): StackOutputs & { file: string } {
  const resolved = file ?? defaultOutputsFile(env);
  let text: string;
  try {
    text = readFileSync(resolved, 'utf8');
  } catch {
    throw new Error(
      `No outputs file at ${resolved}. Start the local stack with \`npm start\`, or pass --outputs FILE from \`cdk deploy --outputs-file FILE\`.`,
    );
  }
  const document: unknown = JSON.parse(text);
  if (document === null || typeof document !== 'object') throw new Error(`${resolved} is not a JSON object`);
  const stacks = Object.entries(document as Record<string, unknown>);
  const entry = stacks.find(([name]) => name === STACK_ID) ?? (stacks.length === 1 ? stacks[0] : undefined);
  if (!entry) throw new Error(`${resolved} has no "${STACK_ID}" stack (found: ${stacks.map(([n]) => n).join(', ') || 'none'})`);
  const parsed = StackOutputsSchema.safeParse(entry[1]);
  if (!parsed.success) throw new Error(`${resolved}: ${issueLines(parsed.error.issues).join('; ')}`);
  const outputs = { ...parsed.data, file: resolved };
  const region = stackRegion(outputs);
  // Through the environment so every SDK client of the tool (and the shared query helpers) sees it.
  if (outputs.DynamoDbEndpoint === undefined && region && !env.AWS_REGION) env.AWS_REGION = region;
  return outputs;
}

/** The region in the stack's ARNs (`arn:<partition>:<service>:<region>:…`), if the outputs have any. */
export function stackRegion(outputs: StackOutputs): string | undefined {
  for (const arn of [outputs.SucceededTopicArn, outputs.FailedTopicArn, outputs.AlarmTopicArn, ...Object.values(providerSecretArnsOf(outputs))]) {
    const region = arn?.split(':')[3];
    if (region) return region;
  }
  return undefined;
}

/**
 * Each provider's secret ARN by provider name: ProviderSecretArns, plus a built-in's own output where an outputs
 * file written before ProviderSecretArns held the built-ins has only that (ContentorSecretArn).
 */
export function providerSecretArnsOf(outputs: StackOutputs): Record<string, string> {
  const arns: Record<string, string> = {};
  const own = outputs as Readonly<Record<string, unknown>>;
  for (const { module, outputName } of builtInSecretOutputs) {
    const value = own[outputName];
    if (typeof value === 'string' && value) arns[module.name] = value;
  }
  const listed = outputs.ProviderSecretArns ? (JSON.parse(outputs.ProviderSecretArns) as unknown) : {};
  if (listed && typeof listed === 'object') for (const [name, arn] of Object.entries(listed)) if (typeof arn === 'string' && arn) arns[name] = arn;
  return arns;
}

/** The endpoints a local stack's outputs name, by output key. */
export type LocalEndpointKey = 'ApiUrl' | 'DynamoDbEndpoint' | 'SnsEndpoint';

/**
 * For a local stack (its outputs name emulator endpoints), checks that the endpoints a tool needs answer at all, so a
 * stale outputs file left by a stack that was killed reads as what it is rather than as `fetch failed`, a raw
 * ECONNREFUSED or "storage is unavailable". Every CLI says it in the same words, naming the stack by its API URL
 * (what `npm start` printed). A deployed stack is not probed: its errors come from AWS and say what they mean.
 */
export async function ensureLocalStackAnswers(outputs: StackOutputs & { file: string }, ...keys: LocalEndpointKey[]): Promise<void> {
  if (outputs.DynamoDbEndpoint === undefined) return;
  for (const key of keys) {
    const url = outputs[key];
    if (url === undefined) continue;
    try {
      // Any HTTP answer will do (DynamoDB Local answers a bare GET with 400); only "nothing listening" matters.
      await fetch(url, { signal: AbortSignal.timeout(3000) });
    } catch {
      throw new Error(staleStackMessage(outputs));
    }
  }
}

/** The one message for a local stack that is gone (tools/lib/outputs.ts ensureLocalStackAnswers). */
export function staleStackMessage(outputs: StackOutputs & { file: string }): string {
  return (
    `the local stack at ${outputs.ApiUrl ?? outputs.DynamoDbEndpoint} is not answering: start it with npm start ` +
    `(${outputs.file} is left from a stack that is no longer running, or pass --outputs FILE for another stack)`
  );
}
