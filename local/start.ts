/**
 * `npm start`: the whole product on this machine with real protocol peers. DynamoDB Local (data in the state dir)
 * and fauxqs run as supervised child processes; the same receiver and fan-out handlers as in Lambda run in this
 * process behind a local API Gateway adapter and a DynamoDB stream poller. The outputs file is written only once
 * every part is ready. Ctrl-C / SIGTERM stops every child.
 */
import '../tools/lib/quiet-node-warning';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { envNames } from '../lambda/config/env';
import { PANJAYA_DEFAULT_PUBLIC_KEY_PEM } from '../lambda/core/providers/panjaya';
import { receiverDepsFromEnv } from '../lambda/handlers/receiver-deps';
import { makeReceiverHandler } from '../lambda/handlers/receiver-handler';
import { readLocalConfig, type LocalConfig } from './config';
import { ensureDevCredentials } from './dev-credentials';
import { startDynamoDbLocal, startFauxqs } from './emulators';
import { createLocalApi, listen } from './http-server';
import { ensureQueue, ensureTable, ensureTopics, LOCAL_DLQ_NAME } from './resources';
import { supervise, type SupervisedEmulator } from './supervisor';
import { startFanoutHalf } from './fanout-wiring';
import { startWatchdog } from './watchdog-wiring';
import { clientConfig, STACK_NAME } from '../tools/lib/outputs';

// Metrics go to CloudWatch through EMF in Lambda; locally those blobs would only drown the console.
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';

const log = (message: string) => process.stdout.write(`[local] ${message}\n`);

/** Trusted Panjaya keys: PANJAYA_PUBLIC_KEYS replaces the defaults (the documented key + the development key). */
function panjayaKeys(config: LocalConfig, devPublicKeyFile: string): string {
  return config.panjayaPublicKeys ?? `${PANJAYA_DEFAULT_PUBLIC_KEY_PEM.trim()}\n${readFileSync(devPublicKeyFile, 'utf8').trim()}\n`;
}

/** Optional hooks for tools driving the stack in-process (the load/fault driver). */
export interface LocalStackHooks {
  /** After fauxqs restarted and topics were re-created, before the fan-out resumes: re-subscribe observers here. */
  readonly afterMessagingRestart?: (topics: { succeeded: string; failed: string }) => Promise<void>;
}

export async function startLocalStack(config: LocalConfig = readLocalConfig(), hooks: LocalStackHooks = {}) {
  mkdirSync(config.stateDir, { recursive: true });
  // A stale outputs file would tell tools the stack is ready before it is.
  rmSync(config.outputsFile, { force: true });
  const dev = ensureDevCredentials(config.stateDir);
  const contentorSecrets = config.contentorSecrets ?? readFileSync(dev.contentorSecret, 'utf8').trim();

  log('starting DynamoDB Local (Java) and fauxqs (SNS/SQS)…');
  const dynamoDir = path.join(config.stateDir, 'dynamodb');
  const [dynamoFirst, fauxqsFirst] = await Promise.all([startDynamoDbLocal({ dataDir: dynamoDir }), startFauxqs()]);
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

  const receiverEnv: NodeJS.ProcessEnv = {
    [envNames.tableName]: table.tableName,
    [envNames.dynamoDbEndpoint]: dynamoEndpoint,
    [envNames.panjayaPublicKeys]: panjayaKeys(config, dev.panjayaPublicKey),
    [envNames.contentorSecrets]: contentorSecrets,
  };
  const api = createLocalApi(makeReceiverHandler(receiverDepsFromEnv(receiverEnv)));
  const port = await listen(api, config.port);
  const apiUrl = `http://127.0.0.1:${port}`;

  const fanout = await startFanoutHalf({
    dynamoEndpoint,
    snsEndpoint,
    tableName: table.tableName,
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

  const watchdog = startWatchdog({ dynamoEndpoint, tableName: table.tableName, log });
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

  const outputs = {
    [STACK_NAME]: {
      ApiUrl: apiUrl,
      TableName: table.tableName,
      SucceededTopicArn: messaging.topics.succeeded,
      FailedTopicArn: messaging.topics.failed,
      DynamoDbEndpoint: dynamoEndpoint,
      SnsEndpoint: snsEndpoint,
      DeadLetterQueueUrl: messaging.dlq.url,
      DeadLetterQueueArn: messaging.dlq.arn,
    },
  };
  mkdirSync(path.dirname(config.outputsFile), { recursive: true });
  writeFileSync(config.outputsFile, `${JSON.stringify(outputs, null, 2)}\n`);
  log(`receiver listening on ${apiUrl}/webhooks/{panjaya|contentor}`);
  log(`outputs written to ${config.outputsFile}`);
  log('ready. Try: npm run send -- contentor failed   (Ctrl-C to stop)');

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    log('stopping…');
    await new Promise<void>((resolve) => api.close(() => resolve()));
    await Promise.all([fanout.stop(), watchdog.stop()]);
    await Promise.all([dynamoSupervisor.stop(), fauxqsSupervisor.stop()]);
    rmSync(config.outputsFile, { force: true });
  };
  const emulators: { readonly dynamo: SupervisedEmulator; readonly fauxqs: SupervisedEmulator } = { dynamo: dynamoSupervisor, fauxqs: fauxqsSupervisor };
  // emulators and poller: for fault injection and draining by the load driver (tools/load.ts).
  return { apiUrl, outputs, outputsFile: config.outputsFile, stop, emulators, poller: fanout.poller };
}

if (require.main === module) {
  startLocalStack()
    .then(({ stop }) => {
      const shutdown = (signal: string) => {
        void stop().then(() => {
          process.stdout.write(`[local] stopped (${signal})\n`);
          process.exit(0);
        });
      };
      process.once('SIGINT', () => shutdown('SIGINT'));
      process.once('SIGTERM', () => shutdown('SIGTERM'));
    })
    .catch((error: unknown) => {
      process.stderr.write(`[local] failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    });
}
