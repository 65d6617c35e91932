/**
 * What `npm run replay` talks to, and with which trust: the receiver's own wiring (`receiverDepsFromEnv`) built from
 * the outputs file and the keys and secrets in force now, so a replay verifies and stores exactly as the receiver.
 *
 * - Local stack (the outputs file names DynamoDbEndpoint): trust as `npm start` resolves it, from the same
 *   environment (local/receiver-env.ts: each built-in's own variable, LOCAL_PROVIDER_SECRETS, else the development
 *   material in the state dir). Run replay with the environment you started the stack with.
 * - Deployed stack: every provider's secret(s) from Secrets Manager (the outputs' ProviderSecretArns; older outputs
 *   files name Contentor's in ContentorSecretArn only), public keys from the provider's own variable (e.g.
 *   PANJAYA_PUBLIC_KEYS), else cdk.json's context, else the documented key; retention, body limit and quarantine
 *   settings from cdk.json's context (the deploy's configuration).
 */
import path from 'node:path';
import { makeDocumentClient } from '../../lambda/adapters/dynamo-client';
import { DynamoEventStore } from '../../lambda/adapters/dynamo-event-store';
import { DynamoQuarantineStore } from '../../lambda/adapters/dynamo-quarantine-store';
import { readReceiverEnv, retryWindowSecondsOf, type ReceiverEnvInput } from '../../lambda/config/receiver-env';
import { builtInTrustEnv } from '../../lambda/config/provider-env';
import { envNames, outputNames } from '../../lambda/contracts';
import { builtInSecretOutputs } from '../../lambda/core/providers';
import type { IngestDeps } from '../../lambda/core/ingest';
import { QUARANTINE_DEFAULTS } from '../../lambda/core/quarantine';
import type { EventStore } from '../../lambda/core/ports';
import { receiverDeps } from '../../lambda/handlers/receiver/deps';
import { localFunctionSettings } from '../../local/config';
import { builtInTrustGiven, localReceiverEnv } from '../../local/receiver-env';
import { deployedPublicKeys } from '../../lib/config';
import { configuredProvidersForCli } from './cli-providers';
import { deployConfigFromCdkJson, PROJECT_ROOT } from './deploy-config';
import { loadOutputs, providerSecretArnsOf, type StackOutputs } from './outputs';

/** The quarantine of a stack: enough to list it (no trust needed). */
export interface QuarantineTarget {
  readonly local: boolean;
  readonly tableName: string;
  readonly quarantine: DynamoQuarantineStore;
  /** Quarantine retention (days): how far back a listing looks by default. */
  readonly retentionDays: number;
}

/** Everything a replay needs. */
export interface ReplayTarget extends QuarantineTarget {
  /** The receiver's verification and storage dependencies (its own wiring); `now` is set per delivery. */
  readonly ingestDeps: IngestDeps;
  /** The dry run's store: the receiver's store behind its read-only guard. */
  readonly dryRunStore: EventStore;
}

function localEnv(outputs: StackOutputs & { file: string }, env: NodeJS.ProcessEnv): ReceiverEnvInput {
  return localReceiverEnv({
    tableName: outputs.TableName,
    dynamoEndpoint: outputs.DynamoDbEndpoint ?? '',
    stateDir: env.LOCAL_STATE_DIR ?? path.dirname(outputs.file),
    builtInTrust: builtInTrustGiven(env),
    // Configured providers as `npm start` had them (tools/lib/cli-providers.ts), their secrets from this shell.
    providers: configuredProvidersForCli(outputs.file, env),
    providerSecrets: env.LOCAL_PROVIDER_SECRETS,
    functionSettings: localFunctionSettings(env),
  });
}

function deployedEnv(outputs: StackOutputs & { file: string }, env: NodeJS.ProcessEnv, root: string): ReceiverEnvInput {
  const secretArns = providerSecretArnsOf(outputs);
  if (Object.keys(secretArns).length === 0) {
    const names = [outputNames.providerSecretArns, ...builtInSecretOutputs.map(({ outputName }) => outputName)];
    throw new Error(`${outputs.file} has no ${names.join(' or ')}: pass the outputs file of \`cdk deploy --outputs-file\``);
  }
  const config = deployConfigFromCdkJson(root);
  const given = builtInTrustGiven(env);
  const publicKeys = Object.fromEntries(Object.entries(deployedPublicKeys(config)).map(([name, pem]) => [name, given[name] ?? pem]));
  return {
    [envNames.tableName]: outputs.TableName,
    ...builtInTrustEnv(publicKeys),
    [envNames.providerSecretArns]: JSON.stringify(secretArns),
    [envNames.eventRetentionDays]: String(config.eventRetentionDays),
    [envNames.maxBodyBytes]: String(config.maxBodyBytes),
    [envNames.quarantineRetentionDays]: String(config.quarantineRetentionDays),
    [envNames.retryWindowSeconds]: String(config.retryWindowSeconds),
    [envNames.secretCacheTtlSeconds]: '0',
    [envNames.providers]: JSON.stringify(config.providers),
  };
}

/**
 * The quarantine of the target named by `--outputs FILE` (else $LOCAL_OUTPUTS_FILE, else $LOCAL_STATE_DIR/outputs.json),
 * without the trust a replay needs: the console lists it even when no secret is at hand. The retention is the
 * receiver's: QUARANTINE_RETENTION_DAYS as for npm start, or what cdk.json configured for a deployed stack.
 */
export function openQuarantineTarget(outputsFile: string | undefined, env: NodeJS.ProcessEnv = process.env, root = PROJECT_ROOT): QuarantineTarget {
  const outputs = loadOutputs(outputsFile, env);
  const local = Boolean(outputs.DynamoDbEndpoint);
  const configured = local ? localFunctionSettings(env)[envNames.quarantineRetentionDays] : String(deployConfigFromCdkJson(root).quarantineRetentionDays);
  return quarantineTarget(outputs, local, configured === undefined ? QUARANTINE_DEFAULTS.retentionDays : Number(configured));
}

function quarantineTarget(outputs: StackOutputs, local: boolean, retentionDays: number): QuarantineTarget {
  return {
    local,
    tableName: outputs.TableName,
    retentionDays,
    quarantine: new DynamoQuarantineStore({
      client: makeDocumentClient({ endpoint: outputs.DynamoDbEndpoint }),
      tableName: outputs.TableName,
      retentionDays,
      // The replay never keeps anything; the cap only matters to the receiver.
      hourlyCap: QUARANTINE_DEFAULTS.hourlyCap,
    }),
  };
}

/** Opens the target named by `--outputs FILE` (else $LOCAL_OUTPUTS_FILE, else $LOCAL_STATE_DIR/outputs.json). */
export function openReplayTarget(outputsFile: string | undefined, env: NodeJS.ProcessEnv = process.env, root = PROJECT_ROOT): ReplayTarget {
  const outputs = loadOutputs(outputsFile, env);
  const local = Boolean(outputs.DynamoDbEndpoint);
  const config = readReceiverEnv(local ? localEnv(outputs, env) : deployedEnv(outputs, env, root));
  const client = makeDocumentClient({ endpoint: outputs.DynamoDbEndpoint });
  return {
    ...quarantineTarget(outputs, local, config[envNames.quarantineRetentionDays]),
    ingestDeps: receiverDeps(config),
    dryRunStore: new DynamoEventStore({
      client,
      tableName: outputs.TableName,
      retentionDays: config[envNames.eventRetentionDays],
      retryWindowSeconds: retryWindowSecondsOf(config),
      readOnly: true,
    }),
  };
}
