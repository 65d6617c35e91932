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
import { envNames } from '../../lambda/contracts';
import type { IngestDeps } from '../../lambda/core/ingest';
import { PANJAYA_DEFAULT_PUBLIC_KEY_PEM } from '../../lambda/core/providers/panjaya';
import { QUARANTINE_DEFAULTS } from '../../lambda/core/quarantine';
import type { EventStore } from '../../lambda/core/ports';
import { DEFAULT_RETRY_WINDOW_SECONDS } from '../../lambda/core/write-plan';
import { receiverDepsFromEnv } from '../../lambda/handlers/receiver/deps';
import { contextKeys, parseDeployConfig } from '../../lib/config';
import { devCredentialPaths, readDevContentorSecret } from '../../local/dev-credentials';
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

function localEnv(outputs: StackOutputs & { file: string }, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const stateDir = env.LOCAL_STATE_DIR ?? path.dirname(outputs.file);
  const devPublicKey = devCredentialPaths(stateDir).panjayaPublicKey;
  const panjayaKeys =
    env.PANJAYA_PUBLIC_KEYS ?? `${PANJAYA_DEFAULT_PUBLIC_KEY_PEM.trim()}\n${existsSync(devPublicKey) ? readFileSync(devPublicKey, 'utf8').trim() : ''}\n`;
  const secrets = env.CONTENTOR_WEBHOOK_SECRETS ?? readDevContentorSecret(stateDir);
  if (!secrets) throw new Error(`no Contentor secret: set CONTENTOR_WEBHOOK_SECRETS as for npm start (no development secret in ${stateDir})`);
  return {
    [envNames.tableName]: outputs.TableName,
    [envNames.dynamoDbEndpoint]: outputs.DynamoDbEndpoint,
    [envNames.panjayaPublicKeys]: panjayaKeys,
    [envNames.contentorSecrets]: secrets,
    // Configured providers as `npm start` had them (tools/lib/cli-providers.ts), their secrets from this shell.
    [envNames.providers]: JSON.stringify(configuredProvidersForCli(outputs.file, env)),
    ...(env.LOCAL_PROVIDER_SECRETS ? { [envNames.providerSecrets]: env.LOCAL_PROVIDER_SECRETS } : {}),
  };
}

function deployedEnv(outputs: StackOutputs & { file: string }, env: NodeJS.ProcessEnv, root: string): NodeJS.ProcessEnv {
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
  const receiverEnv = local ? localEnv(outputs, env) : deployedEnv(outputs, env, root);
  const deps = receiverDepsFromEnv(receiverEnv);
  const retentionDays = Number(receiverEnv[envNames.quarantineRetentionDays] ?? QUARANTINE_DEFAULTS.retentionDays);
  const client = makeDocumentClient({ endpoint: outputs.DynamoDbEndpoint });
  return {
    local,
    tableName: outputs.TableName,
    ingestDeps: deps,
    retentionDays,
    quarantine: new DynamoQuarantineStore({
      client,
      tableName: outputs.TableName,
      retentionDays,
      // The replay never keeps anything; the cap only matters to the receiver.
      hourlyCap: QUARANTINE_DEFAULTS.hourlyCap,
    }),
    dryRunStore: new ReadOnlyEventStore(client, outputs.TableName, {
      retentionDays: Number(receiverEnv[envNames.eventRetentionDays] ?? 90),
      retryWindowSeconds: Number(receiverEnv[envNames.panjayaRetryWindowSeconds] ?? DEFAULT_RETRY_WINDOW_SECONDS),
    }),
  };
}
