/**
 * Finds the stack the CLIs talk to: `--outputs FILE`, else $LOCAL_OUTPUTS_FILE, else $LOCAL_STATE_DIR/outputs.json
 * (default `.local/outputs.json`). The file has the `cdk deploy --outputs-file` shape: {"<StackName>": {...}}.
 * A local stack's file also names emulator endpoints; a deployed stack's does not, and the SDK's default
 * credential/region chain is used.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

export const STACK_NAME = 'JobWebhookReceiver';

export const StackOutputsSchema = z.object({
  ApiUrl: z.string().optional(),
  TableName: z.string(),
  SucceededTopicArn: z.string().optional(),
  FailedTopicArn: z.string().optional(),
  ContentorSecretArn: z.string().optional(),
  DynamoDbEndpoint: z.string().optional(),
  SnsEndpoint: z.string().optional(),
  /** Local stack only: the dead-letter queue the stream poller uses. */
  DeadLetterQueueUrl: z.string().optional(),
  DeadLetterQueueArn: z.string().optional(),
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
    throw new Error(`No outputs file at ${resolved}. Start the local stack with \`npm start\`, or pass --outputs FILE from \`cdk deploy --outputs-file FILE\`.`);
  }
  const document: unknown = JSON.parse(text);
  if (document === null || typeof document !== 'object') throw new Error(`${resolved} is not a JSON object`);
  const stacks = Object.entries(document as Record<string, unknown>);
  const entry = stacks.find(([name]) => name === STACK_NAME) ?? (stacks.length === 1 ? stacks[0] : undefined);
  if (!entry) throw new Error(`${resolved} has no "${STACK_NAME}" stack (found: ${stacks.map(([n]) => n).join(', ') || 'none'})`);
  const parsed = StackOutputsSchema.safeParse(entry[1]);
  if (!parsed.success) throw new Error(`${resolved}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return { ...parsed.data, file: resolved };
}

/** SDK client options for the target: emulator endpoint + dummy credentials locally, the default chain in AWS. */
export function clientConfig(endpoint: string | undefined): { endpoint?: string; region?: string; credentials?: { accessKeyId: string; secretAccessKey: string } } {
  if (!endpoint) return {};
  return { endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
}
