/**
 * What the console reads and acts on, opened from the outputs file exactly as the CLIs open it (tools/lib/outputs.ts:
 * `--outputs FILE`, else $LOCAL_OUTPUTS_FILE, else $LOCAL_STATE_DIR/outputs.json; emulator endpoints for the local
 * stack, the SDK's credential chain and the stack's own region for a deployed one), through the CLIs' own code: the
 * jobs CLI's queries, the watchdog's index reads and stall rule, the replay CLI's quarantine and target, the
 * re-drive's run. Nothing is re-implemented here.
 */
import { GetQueueAttributesCommand, type QueueAttributeName, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoAlertStore } from '../../lambda/adapters/dynamo-alert-store';
import { makeDocumentClient } from '../../lambda/adapters/dynamo-client';
import { DynamoJobQueries } from '../../lambda/adapters/dynamo-job-queries';
import { DynamoWatchdogStore } from '../../lambda/adapters/dynamo-watchdog-store';
import { clientConfig } from '../../lambda/contracts';
import type { ProviderRegistry } from '../../lambda/core/providers';
import { parseStallDeadlines, type StallDeadlines } from '../../lambda/core/watchdog';
import { cliProviders } from '../lib/cli-providers';
import { deployConfigFromCdkJson, PROJECT_ROOT } from '../lib/deploy-config';
import { loadOutputs, type StackOutputs } from '../lib/outputs';
import { openQuarantineTarget, openReplayTarget, type QuarantineTarget, type ReplayTarget } from '../lib/replay-target';
import { openRedriveTarget, type RedriveTarget } from '../lib/redrive-target';

/** Everything the pages read from and act on. */
export interface ConsoleSources {
  /** The outputs file the console was opened with. */
  readonly outputsFile: string;
  /** A local stack (its outputs name emulator endpoints) or a deployed one. */
  readonly local: boolean;
  readonly tableName: string;
  /** The built-ins plus the configured providers of this stack (as the CLIs find them). */
  readonly providers: ProviderRegistry;
  /** The watchdog's deadlines for this stack (LOCAL_STALL_DEADLINES as for npm start, or cdk.json's). */
  readonly deadlines: StallDeadlines;
  /** The jobs CLI's queries. */
  readonly queries: DynamoJobQueries;
  /** The alerts path's record of what it decided for an event (alerted individually, or in a window's digest). */
  readonly alerts: DynamoAlertStore;
  /** The watchdog's index read (states that may be past their deadline). */
  readonly watchdog: DynamoWatchdogStore;
  /** The replay CLI's quarantine (listing needs no trust). */
  readonly quarantine: QuarantineTarget;
  /** The replay CLI's target with the trust in force now; opened on first use (it may need secrets). */
  replayTarget(): ReplayTarget;
  /** The re-drive CLI's target; opened on first use. */
  redriveTarget(): RedriveTarget;
  /** Messages waiting in the fan-out's dead-letter queue, or why that is not known. */
  deadLetterDepth(): Promise<{ depth?: number; url?: string; error?: string }>;
}

/** Opens the stack named by `outputsFile` (undefined: found as the CLIs find it). */
export function openSources(outputsFile: string | undefined, env: NodeJS.ProcessEnv = process.env, root = PROJECT_ROOT): ConsoleSources {
  const outputs = loadOutputs(outputsFile, env);
  const local = outputs.DynamoDbEndpoint !== undefined;
  const providers = cliProviders(outputs.file, env);
  const doc = makeDocumentClient({ endpoint: outputs.DynamoDbEndpoint });
  const once = <T>(open: () => T): (() => T) => {
    let opened: T | undefined;
    return () => {
      opened ??= open();
      return opened;
    };
  };
  return {
    outputsFile: outputs.file,
    local,
    tableName: outputs.TableName,
    providers,
    deadlines: local
      ? parseStallDeadlines(env.LOCAL_STALL_DEADLINES, 'LOCAL_STALL_DEADLINES', providers)
      : (deployConfigFromCdkJson(root).stallDeadlines as StallDeadlines),
    queries: new DynamoJobQueries({ client: doc, tableName: outputs.TableName }),
    alerts: new DynamoAlertStore(doc, outputs.TableName),
    watchdog: new DynamoWatchdogStore(doc, outputs.TableName),
    quarantine: openQuarantineTarget(outputs.file, env, root),
    replayTarget: once(() => openReplayTarget(outputs.file, env, root)),
    redriveTarget: once(() => openRedriveTarget(outputs.file, env)),
    deadLetterDepth: deadLetterDepthOf(outputs),
  };
}

/** The dead-letter queue's depth: visible plus in-flight messages (GetQueueAttributes; nothing is received). */
function deadLetterDepthOf(outputs: StackOutputs): ConsoleSources['deadLetterDepth'] {
  const url = outputs.DeadLetterQueueUrl;
  if (url === undefined) return async () => ({ error: 'the outputs file names no DeadLetterQueueUrl' });
  const sqs = new SQSClient(clientConfig(outputs.SnsEndpoint));
  return async () => {
    try {
      const out = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
      );
      const count = (name: QueueAttributeName) => Number(out.Attributes?.[name] ?? 0);
      return { url, depth: count('ApproximateNumberOfMessages') + count('ApproximateNumberOfMessagesNotVisible') };
    } catch (error) {
      return { url, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
    }
  };
}
