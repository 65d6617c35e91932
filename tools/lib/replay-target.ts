/**
 * What `npm run replay` talks to, and with which trust: the receiver's own wiring (`receiverDepsFromEnv`) built from
 * the outputs file and the keys and secrets in force now, so a replay verifies and stores exactly as the receiver.
 *
 * - Local stack (the outputs file names DynamoDbEndpoint): trust as `npm start` resolves it, from the same
 *   environment — CONTENTOR_WEBHOOK_SECRETS, else the development secret in the state dir; PANJAYA_PUBLIC_KEYS, else
 *   the documented key plus the development key. Run replay with the environment you started the stack with.
 * - Deployed stack: the Contentor secret(s) from Secrets Manager (the outputs' ContentorSecretArn), Panjaya keys from
 *   PANJAYA_PUBLIC_KEYS, else cdk.json's `panjayaPublicKeys` context, else the documented key; retention, body limit
 *   and quarantine settings from cdk.json's context (the deploy's configuration).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { makeDocumentClient } from '../../lambda/adapters/dynamo-client';
import { DynamoQuarantineStore } from '../../lambda/adapters/dynamo-quarantine-store';
import { readReceiverEnv, type ReceiverEnvInput } from '../../lambda/config/receiver-env';
import { envNames } from '../../lambda/contracts';
import type { IngestDeps } from '../../lambda/core/ingest';
import { QUARANTINE_DEFAULTS } from '../../lambda/core/quarantine';
import type { EventStore } from '../../lambda/core/ports';
import { receiverDeps } from '../../lambda/handlers/receiver/deps';
import { contextKeys, parseDeployConfig } from '../../lib/config';
import { localFunctionSettings } from '../../local/config';
import { localReceiverEnv } from '../../local/receiver-env';
import { configuredProvidersForCli } from './cli-providers';
import { loadOutputs, type StackOutputs } from './outputs';
import { ReadOnlyEventStore } from './replay-run';

/** Everything a replay needs. */
export interface ReplayTarget {
  readonly local: boolean;
  readonly tableName: string;
  /** The receiver's verification and storage dependencies (its own wiring); `now` is set per delivery. */
  readonly ingestDeps: IngestDeps;
  readonly quarantine: DynamoQuarantineStore;
  /** The dry run's store: reads only. */
  readonly dryRunStore: EventStore;
  /** Quarantine retention (days): how far back a listing looks by default. */
  readonly retentionDays: number;
}

/** The deploy configuration in cdk.json (only our keys), validated as `cdk synth` would. */
function deployConfigFromCdkJson(root: string) {
  const file = path.join(root, 'cdk.json');
  const context = existsSync(file) ? ((JSON.parse(readFileSync(file, 'utf8')) as { context?: Record<string, unknown> }).context ?? {}) : {};
  const ours = Object.fromEntries(Object.entries(context).filter(([key]) => (contextKeys as readonly string[]).includes(key)));
  return parseDeployConfig(ours);
}

function localEnv(outputs: StackOutputs & { file: string }, env: NodeJS.ProcessEnv): ReceiverEnvInput {
  return localReceiverEnv({
    tableName: outputs.TableName,
    dynamoEndpoint: outputs.DynamoDbEndpoint ?? '',
    stateDir: env.LOCAL_STATE_DIR ?? path.dirname(outputs.file),
    panjayaPublicKeys: env.PANJAYA_PUBLIC_KEYS,
    contentorSecrets: env.CONTENTOR_WEBHOOK_SECRETS,
    // Configured providers as `npm start` had them (tools/lib/cli-providers.ts), their secrets from this shell.
    providers: configuredProvidersForCli(outputs.file, env),
    providerSecrets: env.LOCAL_PROVIDER_SECRETS,
    functionSettings: localFunctionSettings(env),
  });
}

function deployedEnv(outputs: StackOutputs & { file: string }, env: NodeJS.ProcessEnv, root: string): ReceiverEnvInput {
  if (!outputs.ContentorSecretArn) throw new Error(`${outputs.file} has no ContentorSecretArn: pass the outputs file of \`cdk deploy --outputs-file\``);
  const config = deployConfigFromCdkJson(root);
  return {
    [envNames.tableName]: outputs.TableName,
    [envNames.contentorSecretArn]: outputs.ContentorSecretArn,
    [envNames.panjayaPublicKeys]: env.PANJAYA_PUBLIC_KEYS ?? config.panjayaPublicKeys.join('\n'),
    [envNames.eventRetentionDays]: String(config.eventRetentionDays),
    [envNames.maxBodyBytes]: String(config.maxBodyBytes),
    [envNames.quarantineRetentionDays]: String(config.quarantineRetentionDays),
    [envNames.panjayaRetryWindowSeconds]: String(config.panjayaRetryWindowSeconds),
    [envNames.secretCacheTtlSeconds]: '0',
    [envNames.providers]: JSON.stringify(config.providers),
    ...(outputs.ProviderSecretArns ? { [envNames.providerSecretArns]: outputs.ProviderSecretArns } : {}),
  };
}

/** Opens the target named by `--outputs FILE` (else $LOCAL_OUTPUTS_FILE, else $LOCAL_STATE_DIR/outputs.json). */
export function openReplayTarget(
  outputsFile: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  root = path.resolve(__dirname, '..', '..'),
): ReplayTarget {
  const outputs = loadOutputs(outputsFile, env);
  const local = Boolean(outputs.DynamoDbEndpoint);
  const config = readReceiverEnv(local ? localEnv(outputs, env) : deployedEnv(outputs, env, root));
  const retentionDays = config[envNames.quarantineRetentionDays];
  const client = makeDocumentClient({ endpoint: outputs.DynamoDbEndpoint });
  return {
    local,
    tableName: outputs.TableName,
    ingestDeps: receiverDeps(config),
    retentionDays,
    quarantine: new DynamoQuarantineStore({
      client,
      tableName: outputs.TableName,
      retentionDays,
      // The replay never keeps anything; the cap only matters to the receiver.
      hourlyCap: QUARANTINE_DEFAULTS.hourlyCap,
    }),
    dryRunStore: new ReadOnlyEventStore(client, outputs.TableName, {
      retentionDays: config[envNames.eventRetentionDays],
      retryWindowSeconds: config[envNames.panjayaRetryWindowSeconds],
    }),
  };
}
