/**
 * One load and fault run: starts the local stack in this process (temp state dir, any free port), sends the planned
 * deliveries from concurrent retrying senders, injects faults, re-drives what stayed pending, and checks that every
 * job's state is its newest event, every distinct event is logged once, and every distinct terminal event is notified
 * exactly once, as observed by an SQS queue subscribed to both topics.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoNotificationLedger } from '../../../lambda/adapters/notification-ledger';
import { DynamoJobQueries } from '../../../lambda/adapters/dynamo-job-queries';
import { SnsNotificationPublisher } from '../../../lambda/adapters/sns-publisher';
import { envNames } from '../../../lambda/contracts';
import { startLocalStack } from '../../../local/start';
import { readLocalConfig } from '../../../local/config';
import { runRedrive } from '../../../tools/redrive';
import { clientConfig } from '../../../lambda/contracts';
import { checkPlan, DeliveryTally, runProblems } from './accounting';
import { buildUnits, planJobs, planSize, prng, readSigning } from './deliveries';
import { FaultInjector } from './faults';
import { NotificationObserver } from './observer';
import { PublishLog } from './publish-log';
import { latencySummary, round, type LoadReport } from './report';
import { SenderPool } from './senders';
import { retrying } from './wait';

/** Options of {@link runLoad}. */
export interface LoadOptions {
  readonly size: number;
  readonly senders: number;
  readonly duplicateRate: number;
  readonly faults: boolean;
  readonly seed: number;
  readonly log: (line: string) => void;
}

export async function runLoad(options: LoadOptions): Promise<LoadReport> {
  const log = options.log;
  const random = prng(options.seed);
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'jwr-load-'));
  const config = readLocalConfig({
    LOCAL_STATE_DIR: stateDir,
    PORT: '0',
    LOCAL_CONSOLE_SUBSCRIBER: 'off',
    LOCAL_STREAM_POLL_MS: '50',
    // The plan regenerates Panjaya versions seconds apart, with byte-identical bodies: inside the default 600 s retry
    // window those would be retries. The window is off here (only the last body is a duplicate); its rules are tested
    // in test/unit/write-plan.test.ts and test/integration/event-store.test.ts.
    [envNames.retryWindowSeconds]: '0',
  });
  let observer: NotificationObserver | undefined;
  let injector: FaultInjector | undefined;
  const faults: string[] = [];
  const publishes = new PublishLog();
  publishes.install();
  const stack = await startLocalStack(config, {
    afterMessagingRestart: async (topics) => {
      await observer?.subscribe(topics);
      faults.push('fauxqs restarted by the supervisor; topics and subscriptions re-created');
      injector?.messagingRestarted();
    },
  }).catch((error: unknown) => {
    publishes.uninstall();
    throw error;
  });
  try {
    const out = stack.outputs.JobWebhookReceiver;
    const sns = new SNSClient(clientConfig(out.SnsEndpoint));
    const sqs = new SQSClient(clientConfig(out.SnsEndpoint));
    const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ ...clientConfig(out.DynamoDbEndpoint), maxAttempts: 1 }));
    observer = new NotificationObserver(sns, sqs);
    await observer.subscribe({ succeeded: out.SucceededTopicArn, failed: out.FailedTopicArn });
    observer.start();

    const jobs = planJobs(options.size, options.duplicateRate, readSigning(stateDir), random);
    const units = buildUnits(jobs, options.duplicateRate, random);
    const { distinct, totalPlanned } = planSize(jobs, units);
    log(
      `${jobs.length} jobs, ${distinct} distinct deliveries, ${totalPlanned - distinct} duplicates, ${options.senders} senders, faults ${options.faults ? 'on' : 'off'}`,
    );

    const tally = new DeliveryTally();
    const senders = new SenderPool(stack.apiUrl, tally, random);
    injector = new FaultInjector({ stack, doc, tableName: out.TableName, observer, senders, faults, log, publishes, random }, totalPlanned);
    const faultInjector = injector;
    const started = performance.now();
    await senders.run(units, options.senders, () => (options.faults ? faultInjector.maybeInject(senders.sent) : Promise.resolve()));
    const sendSeconds = (performance.now() - started) / 1000;
    const sent = senders.sent;
    log(`sent ${sent} deliveries in ${sendSeconds.toFixed(1)} s (${(sent / sendSeconds).toFixed(0)}/s); settling the fan-out…`);

    // Settle: the stream fully read (the poller retries and dead-letters), every live publish received.
    await retrying('draining the stream', () => stack.poller.drain(), log);
    await observer.drain(1000);
    const liveMessages = observer.messages;

    const publisher = new SnsNotificationPublisher(sns, { succeeded: out.SucceededTopicArn, failed: out.FailedTopicArn });
    const redrive = await retrying(
      're-drive',
      () =>
        runRedrive(
          { olderThanMs: 0, execute: true, dlqUrl: out.DeadLetterQueueUrl },
          { doc, tableName: out.TableName, ledger: new DynamoNotificationLedger(doc, out.TableName), publisher, sqs },
        ),
      log,
    );
    if (redrive.published.length > 0) faults.push(`re-drive published ${redrive.published.length} pending notification(s)`);
    log(
      `re-drive: ${redrive.pending.length} pending, ${redrive.published.length} published, ${redrive.failed.length} failed; ${redrive.deadLetters.length} dead-letter record(s)`,
    );
    await observer.drain(1000);
    await observer.stop();

    for (const r of faultInjector.inFlightAtKill) {
      faults.push(`the Publish in flight at the mid-flight kill (event ${r.eventId ?? '-'}): ${r.outcome}${r.error ? ` (${r.error})` : ''}`);
    }
    const check = await checkPlan(jobs, observer, new DynamoJobQueries({ client: doc, tableName: out.TableName }), {
      publishes,
      systemsTopics: new Set([out.SucceededTopicArn, out.FailedTopicArn]),
      kills: faultInjector.fauxqsKills,
      inFlightAtKill: faultInjector.inFlightAtKill,
    });
    const problems = [
      ...check.problems,
      ...runProblems({
        gaveUp: tally.gaveUp,
        faults: options.faults,
        poisonParked: await faultInjector.poisonParked(doc, out.TableName),
        liveMessages,
        liveNotifiedAtPoison: faultInjector.liveNotifiedAtPoison,
        redriveFailed: redrive.failed.length,
        midFlightCaught: faultInjector.inFlightAtKill.length > 0,
      }),
    ];
    return {
      jobs: { contentor: jobs.filter((j) => j.provider === 'contentor').length, panjaya: jobs.filter((j) => j.provider === 'panjaya').length },
      deliveries: { distinct, duplicatesSent: sent - distinct, total: sent, attempts: tally.attempts, retried: tally.retried, gaveUp: tally.gaveUp },
      answers: tally.answers,
      faults,
      sendSeconds: round(sendSeconds),
      eventsPerSecond: round(sent / sendSeconds),
      latencyMs: latencySummary(tally.latencies),
      notifications: { ...check.notifications, viaRedrive: redrive.published.length },
      eventLog: check.eventLog,
      states: check.states,
      deadLetters: redrive.deadLetters.length,
      problems,
    };
  } finally {
    await observer?.stop();
    await stack.stop();
    publishes.uninstall();
    rmSync(stateDir, { recursive: true, force: true });
  }
}
