/**
 * `npm start`: the whole product on this machine with real protocol peers. DynamoDB Local (data in the state dir)
 * and fauxqs run as supervised child processes; the same receiver and fan-out handlers as in Lambda run in this
 * process behind a local API Gateway adapter and a DynamoDB stream poller. The outputs file is written only once
 * every part is ready.
 *
 * Stopping (docs/ARCHITECTURE.md "Local stack"): SIGTERM, Ctrl-C, or our parent going away (npm killed: the
 * `sh -c` between npm and us dies with it and we are re-parented) stop the parts in dependency order — HTTP server, stream poller
 * and watchdog, then the emulators — so nothing on the way down meets a dead peer. A failure while starting
 * (e.g. the port is taken) stops whatever had started and exits 1; the emulators' reaper (local/emulators.ts)
 * covers a hard kill of this process.
 */
import '../tools/lib/quiet-node-warning';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { envNames } from '../lambda/contracts';
import { receiverDepsFromEnv } from '../lambda/handlers/receiver/deps';
import { makeReceiverHandler } from '../lambda/handlers/receiver/handler';
import { readLocalConfig, type LocalConfig } from './config';
import { ensureDevCredentials } from './dev-credentials';
import { localReceiverEnv } from './receiver-env';
import { startDynamoDbLocal, startFauxqs, type RunningEmulator } from './emulators';
import { createLocalApi, listen, PortInUseError, type V2Handler } from './http-server';
import { ensureQueue, ensureTable, ensureTopics, LOCAL_DLQ_NAME, type LocalTopics } from './resources';
import { supervise, type SupervisedEmulator } from './supervisor';
import { startFanoutHalf } from './fanout-wiring';
import { startWatchdog } from './watchdog-wiring';
import { writeWholeFile } from './write-whole-file';
import { localOutputNames, outputNames, STACK_ID } from '../lambda/contracts';
import { clientConfig } from '../lambda/contracts';
import { providersFileBeside } from '../lambda/contracts';
import { providerRegistry } from '../lambda/core/providers';

// Metrics go to CloudWatch through EMF in Lambda; locally those blobs would only drown the console.
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';

const log = (message: string) => process.stdout.write(`[local] ${message}\n`);

/** Optional hooks for tools driving the stack in-process (the load/fault driver). */
export interface LocalStackHooks {
  /** After fauxqs restarted and topics were re-created, before the fan-out resumes: re-subscribe observers here. */
  readonly afterMessagingRestart?: (topics: LocalTopics) => Promise<void>;
}

/** Thrown when a stop was requested while the stack was still starting. */
class StartAborted extends Error {}

/** What has started so far, stopped in reverse order when starting fails part-way. */
class StartedParts {
  private readonly stops: Array<() => Promise<void>> = [];
  add(stop: () => Promise<void>): void {
    this.stops.push(stop);
  }
  async stopAll(): Promise<void> {
    for (const stop of this.stops.splice(0).reverse()) await stop().catch(() => undefined);
  }
}

const closeServer = (server: import('node:http').Server) =>
  new Promise<void>((resolve) => {
    server.close(() => resolve());
    // Keep-alive connections from the CLIs would hold close() open.
    server.closeIdleConnections();
  });

export interface StartOptions extends LocalStackHooks {
  /** Aborting it makes a start in progress stop what it started and reject. */
  readonly signal?: AbortSignal;
}

export async function startLocalStack(config: LocalConfig = readLocalConfig(), hooks: StartOptions = {}) {
  const parts = new StartedParts();
  const checkpoint = () => {
    if (hooks.signal?.aborted) throw new StartAborted('stopped while starting');
  };
  try {
    return await startParts(config, hooks, parts, checkpoint);
  } catch (error) {
    await parts.stopAll();
    throw error;
  }
}

async function startParts(config: LocalConfig, hooks: StartOptions, parts: StartedParts, checkpoint: () => void) {
  mkdirSync(config.stateDir, { recursive: true });
  ensureDevCredentials(config.stateDir);

  // The port first: when it is taken we fail in milliseconds, before any emulator has started, and before touching
  // the outputs file, which may belong to the stack already running on that port.
  let receiver: V2Handler | undefined;
  const api = createLocalApi(async (event) => (receiver ? receiver(event) : { statusCode: 503, body: '{"error":"the local stack is still starting"}' }));
  const port = await listen(api, config.port);
  parts.add(() => closeServer(api));
  const apiUrl = `http://127.0.0.1:${port}`;
  // A stale outputs file would tell tools the stack is ready before it is.
  rmSync(config.outputsFile, { force: true });

  log('starting DynamoDB Local (Java) and fauxqs (SNS/SQS)…');
  const dynamoDir = path.join(config.stateDir, 'dynamodb');
  const started = await Promise.allSettled([startDynamoDbLocal({ dataDir: dynamoDir }), startFauxqs()]);
  for (const s of started) if (s.status === 'fulfilled') parts.add(() => s.value.stop());
  for (const s of started) if (s.status === 'rejected') throw s.reason;
  const [dynamoFirst, fauxqsFirst] = started.map((s) => (s as PromiseFulfilledResult<RunningEmulator>).value) as [RunningEmulator, RunningEmulator];
  checkpoint();
  const dynamoEndpoint = dynamoFirst.endpoint;
  const snsEndpoint = fauxqsFirst.endpoint;
  log(`DynamoDB Local on ${dynamoEndpoint} (data in ${dynamoDir}); fauxqs on ${snsEndpoint}`);

  const dynamo = new DynamoDBClient(clientConfig(dynamoEndpoint));
  const sns = new SNSClient(clientConfig(snsEndpoint));
  const sqs = new SQSClient(clientConfig(snsEndpoint));
  const table = await ensureTable(dynamo);
  log(`table ${table.tableName} ${table.created ? 'created' : 'found (state kept from an earlier run)'}`);
  const createMessaging = async () => ({ topics: await ensureTopics(sns), dlq: await ensureQueue(sqs, LOCAL_DLQ_NAME) });
  let messaging = await createMessaging();
  checkpoint();

  const receiverEnv = localReceiverEnv({
    tableName: table.tableName,
    dynamoEndpoint,
    stateDir: config.stateDir,
    builtInTrust: config.builtInTrust,
    providers: config.providers,
    providerSecrets: JSON.stringify(config.providerSecrets),
    functionSettings: config.functionSettings,
  });
  receiver = makeReceiverHandler(receiverDepsFromEnv(receiverEnv));
  const providers = providerRegistry(config.providers);

  // The fan-out and watchdog read the same variables as in Lambda, through their own deps.ts.
  const endpoints = { [envNames.tableName]: table.tableName, [envNames.dynamoDbEndpoint]: dynamoEndpoint, [envNames.snsEndpoint]: snsEndpoint };
  const sharedEnv = {
    [envNames.jobAlertsTopicArn]: messaging.topics.alerts,
    [envNames.alertsPerWindow]: String(config.alerts.perWindow),
    [envNames.alertWindowSeconds]: String(config.alerts.windowSeconds),
    [envNames.alertStatuses]: config.alerts.statuses,
    [envNames.providers]: JSON.stringify(config.providers),
  };
  const fanout = await startFanoutHalf({
    env: {
      ...endpoints,
      ...sharedEnv,
      [envNames.succeededTopicArn]: messaging.topics.succeeded,
      [envNames.failedTopicArn]: messaging.topics.failed,
    },
    streamArn: table.streamArn,
    topics: messaging.topics,
    deadLetterQueueUrl: messaging.dlq.url,
    pollIntervalMs: config.streamPollMs,
    consoleSubscriber: config.consoleSubscriber,
    streams: new DynamoDBStreamsClient(clientConfig(dynamoEndpoint)),
    sns,
    sqs,
    log,
  });
  parts.add(() => fanout.stop());

  const watchdog = startWatchdog({
    functionEnv: {
      ...endpoints,
      ...sharedEnv,
      [envNames.stallDeadlines]: config.stallDeadlines,
      [envNames.eventRetentionDays]: config.functionSettings[envNames.eventRetentionDays],
    },
    log,
  });
  parts.add(() => watchdog.stop());
  checkpoint();
  const dynamoSupervisor = supervise(dynamoFirst, (p) => startDynamoDbLocal({ dataDir: dynamoDir, port: p }), { log });
  const fauxqsSupervisor = supervise(fauxqsFirst, (p) => startFauxqs({ port: p }), {
    log,
    // fauxqs keeps state in memory: re-create topics, queue and subscriptions (same names, same ARNs).
    // The fan-out pauses meanwhile: a notification published before the subscriptions exist again would reach no one.
    afterRestart: async () => {
      await fanout.poller.stop();
      try {
        messaging = await createMessaging();
        await fanout.resubscribe();
        await hooks.afterMessagingRestart?.(messaging.topics);
      } finally {
        fanout.poller.start();
      }
    },
  });
  const supervisors = [dynamoSupervisor, fauxqsSupervisor];

  const outputs = {
    [STACK_ID]: {
      [outputNames.apiUrl]: apiUrl,
      [outputNames.tableName]: table.tableName,
      [outputNames.succeededTopicArn]: messaging.topics.succeeded,
      [outputNames.failedTopicArn]: messaging.topics.failed,
      [outputNames.jobAlertsTopicArn]: messaging.topics.alerts,
      [localOutputNames.dynamoDbEndpoint]: dynamoEndpoint,
      [localOutputNames.snsEndpoint]: snsEndpoint,
      [outputNames.deadLetterQueueUrl]: messaging.dlq.url,
      [localOutputNames.deadLetterQueueArn]: messaging.dlq.arn,
    },
  };
  mkdirSync(path.dirname(config.outputsFile), { recursive: true });
  // The CLIs read the configured providers from here (tools/lib/cli-providers.ts), as the functions read PROVIDERS.
  writeWholeFile(providersFileBeside(config.outputsFile), `${JSON.stringify(config.providers, null, 2)}\n`);
  // Written last and whole: its appearing is what readers wait for (the providers file is already there).
  writeWholeFile(config.outputsFile, `${JSON.stringify(outputs, null, 2)}\n`);
  log(`receiver listening on ${apiUrl}/webhooks/{${providers.names.join('|')}}`);
  log(`outputs written to ${config.outputsFile}`);
  log('ready. Try: npm run send -- contentor failed   (Ctrl-C to stop)');

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      // Exits from here on are ours: no restart, no "exited …; restarting" line.
      for (const s of supervisors) s.release();
      // Callers first (no request can reach a half-stopped store), then the pollers (they wait for a poll or sweep
      // in flight), the emulators last, so nothing meets ECONNREFUSED on the way down.
      await closeServer(api);
      await Promise.all([fanout.stop(), watchdog.stop()]);
      await Promise.all(supervisors.map((s) => s.stop()));
      rmSync(config.outputsFile, { force: true });
    })();
    return stopping;
  };
  const emulators: { readonly dynamo: SupervisedEmulator; readonly fauxqs: SupervisedEmulator } = { dynamo: dynamoSupervisor, fauxqs: fauxqsSupervisor };
  // emulators and poller: for fault injection and draining by the load harness (test/load/harness/faults.ts).
  return { apiUrl, outputs, outputsFile: config.outputsFile, stop, emulators, poller: fanout.poller };
}

/** How often the stack checks that the process that started it is still there. */
const PARENT_CHECK_MS = 500;

/** `npm start`: start, then stop on SIGTERM, SIGINT (Ctrl-C) or when our parent dies; exit 1 if starting fails. */
function main(): void {
  const abort = new AbortController();
  let stopStack: (() => Promise<void>) | undefined;
  let exiting = false;
  const shutdown = (why: string) => {
    if (exiting) return;
    exiting = true;
    abort.abort();
    if (!stopStack) return; // still starting: the start aborts at its next step, stops what it started and exits
    log('stopping…');
    void stopStack().then(
      () => {
        log(`stopped (${why})`);
        process.exit(0);
      },
      (error: unknown) => {
        process.stderr.write(`[local] error while stopping: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGHUP', () => shutdown('SIGHUP'));
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) shutdown('the process that started it exited');
  }, PARENT_CHECK_MS).unref();

  Promise.resolve()
    .then(() => startLocalStack(readLocalConfig(), { signal: abort.signal }))
    .then(({ stop }) => {
      stopStack = stop;
      if (exiting) {
        exiting = false;
        shutdown('stopped while starting');
      }
    })
    .catch((error: unknown) => {
      if (error instanceof StartAborted) {
        log('stopped while starting');
        process.exit(0);
      }
      const message = error instanceof PortInUseError ? error.message : `failed to start: ${error instanceof Error ? error.message : String(error)}`;
      process.stderr.write(`[local] ${message}\n`);
      process.exit(1);
    });
}

if (require.main === module) main();
