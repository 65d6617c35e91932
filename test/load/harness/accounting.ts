/**
 * Counting and checking: how the senders' attempts were answered, and whether the table and the observed
 * notifications hold the plan exactly (every job at its newest event, every distinct event logged once, every
 * distinct terminal event notified once).
 */
import type { DynamoJobQueries } from '../../../lambda/adapters/dynamo-job-queries';
import type { PlannedJob } from './deliveries';
import type { ObservedNotification } from './observer';
import type { PublishLog, PublishRecord } from './publish-log';

/** Every HTTP attempt of the senders: its answer (status or `connection-error`) and its latency. */
export class DeliveryTally {
  readonly answers: Record<string, number> = {};
  readonly latencies: number[] = [];
  attempts = 0;
  /** Deliveries that needed more than one attempt. */
  retried = 0;
  /** Deliveries a provider would have dropped (not retryable, or retried past its deadline). */
  gaveUp = 0;

  record(status: number | string, latencyMs: number): void {
    this.attempts += 1;
    this.latencies.push(latencyMs);
    this.answers[String(status)] = (this.answers[String(status)] ?? 0) + 1;
  }
}

/** What the notification observer holds, as the checks read it. */
export interface ObservedNotifications {
  readonly byEventId: ReadonlyMap<string, ObservedNotification>;
  readonly messages: number;
}

/**
 * What the run knows about fauxqs crashes. fauxqs keeps queues in memory, so a message SNS had accepted (its Publish
 * answered) moments before a kill can die in the observer's queue, where real SNS would have delivered it.
 */
export interface CrashEvidence {
  readonly publishes: Pick<PublishLog, 'of'>;
  /** The systems topics the observer is subscribed to. */
  readonly systemsTopics: ReadonlySet<string>;
  /** performance.now() of each fauxqs kill. */
  readonly kills: readonly number[];
  /** The Publish requests in flight at the mid-flight kill. */
  readonly inFlightAtKill: readonly PublishRecord[];
}

/**
 * An answered Publish counts as delivered though the observer never saw it only when it was answered this close
 * before a kill: the observer long-polls without pause, so an older message was in its hands before the crash.
 */
const ABSORBED_WITHIN_MS = 5000;

/** What {@link checkPlan} found; `problems` is empty when the table and the notifications match the plan. */
export interface PlanCheck {
  problems: string[];
  notifications: {
    expected: number;
    observedDistinct: number;
    observedMessages: number;
    lost: number;
    doubled: number;
    unexpected: number;
    /** Accepted by SNS (Publish answered) within moments of a fauxqs kill and lost with its in-memory queue. */
    heldByEmulatorAtCrash: number;
    /** Seen twice because the Publish in flight at the kill reached the queue but its answer did not: at-least-once. */
    redeliveredAfterLostAnswer: number;
  };
  eventLog: { expected: number; stored: number; lost: number; doubled: number };
  states: { checked: number; wrong: number };
}

/** Compares what the table and the observer hold with the plan. */
export async function checkPlan(
  jobs: PlannedJob[],
  observer: ObservedNotifications,
  queries: Pick<DynamoJobQueries, 'getJob' | 'history'>,
  crash?: CrashEvidence,
): Promise<PlanCheck> {
  const problems: string[] = [];
  const note = (message: string) => {
    if (problems.length < 20) problems.push(message);
  };
  let wrongStates = 0;
  let storedEvents = 0;
  let logLost = 0;
  let logDoubled = 0;
  let expectedNotifications = 0;
  let lost = 0;
  let heldByEmulatorAtCrash = 0;
  const systemsPublishes = (eventId: string) => (crash ? crash.publishes.of(eventId, crash.systemsTopics) : []);
  const absorbedByCrash = (eventId: string) =>
    systemsPublishes(eventId).some(
      (p) => p.outcome === 'ok' && crash?.kills.some((kill) => p.startedAt < kill && kill - (p.endedAt ?? kill) < ABSORBED_WITHIN_MS),
    );
  const notifiedByJob = new Map<string, string[]>();
  for (const [eventId, seen] of observer.byEventId) {
    const key = `${seen.provider}|${seen.jobId}`;
    notifiedByJob.set(key, [...(notifiedByJob.get(key) ?? []), eventId]);
  }
  for (const job of jobs) {
    const [state, history] = await Promise.all([
      queries.getJob(job.provider, job.partitionId, job.jobId),
      queries.history(job.provider, job.partitionId, job.jobId),
    ]);
    storedEvents += history.length;
    const expectedEvents = job.deliveries.length;
    if (history.length < expectedEvents) {
      logLost += expectedEvents - history.length;
      note(`${job.provider} ${job.jobId}: ${history.length} events logged, expected ${expectedEvents}`);
    } else if (history.length > expectedEvents) {
      logDoubled += history.length - expectedEvents;
      note(`${job.provider} ${job.jobId}: ${history.length} events logged, expected ${expectedEvents}`);
    }
    const newest = [...history].sort((a, b) => (a.orderKey < b.orderKey ? -1 : a.orderKey > b.orderKey ? 1 : 0)).pop();
    if (!state || state.eventType !== job.finalEventType || state.eventId !== newest?.eventId) {
      wrongStates += 1;
      note(
        `${job.provider} ${job.jobId}: state ${state?.eventType ?? 'missing'} (${state?.eventId ?? '-'}), expected ${job.finalEventType} (newest event ${newest?.eventId ?? '-'})`,
      );
    }
    expectedNotifications += job.terminalEvents;
    const terminalLogged = history.filter((e) => e.notifyTopic !== undefined).map((e) => e.eventId);
    const notified = notifiedByJob.get(`${job.provider}|${job.jobId}`) ?? [];
    notifiedByJob.delete(`${job.provider}|${job.jobId}`);
    const absorbed = terminalLogged.filter((id) => !notified.includes(id) && absorbedByCrash(id));
    heldByEmulatorAtCrash += absorbed.length;
    const delivered = notified.length + absorbed.length;
    const missing = terminalLogged.filter((id) => !notified.includes(id) && !absorbed.includes(id));
    if (missing.length > 0 || delivered !== job.terminalEvents) {
      lost += Math.max(0, job.terminalEvents - delivered);
      note(
        `${job.provider} ${job.jobId}: notified ${notified.length} distinct event(s) (+${absorbed.length} accepted before a crash), expected ${job.terminalEvents}`,
      );
    }
  }
  const unexpected = [...notifiedByJob.values()].reduce((n, ids) => n + ids.length, 0);
  if (unexpected > 0) note(`${unexpected} notification(s) for events no job planned`);
  // Two copies where the first Publish was in flight at the kill and failed for us, though fauxqs had queued it, are
  // the at-least-once case every SNS client has (an answer lost), not the fan-out publishing twice what it knew sent.
  const lostAnswer = (eventId: string, count: number) => {
    const mine = systemsPublishes(eventId);
    return (
      count === 2 &&
      mine.filter((p) => p.outcome === 'ok').length === 1 &&
      crash?.inFlightAtKill.some((p) => p.eventId === eventId && p.outcome === 'error' && crash.systemsTopics.has(p.topicArn)) === true
    );
  };
  const redeliveredIds = [...observer.byEventId].filter(([eventId, s]) => lostAnswer(eventId, s.count)).map(([eventId]) => eventId);
  const doubledIds = [...observer.byEventId]
    .filter(([eventId, s]) => (s.count > 1 && !redeliveredIds.includes(eventId)) || systemsPublishes(eventId).filter((p) => p.outcome === 'ok').length > 1)
    .map(([eventId]) => eventId);
  const doubled = doubledIds.length;
  if (doubled > 0) note(`${doubled} terminal event(s) notified more than once: ${doubledIds.slice(0, 5).join(', ')}`);
  if (wrongStates > 0 || logLost > 0 || logDoubled > 0 || lost > 0)
    note(`totals: ${wrongStates} wrong states, ${logLost} events lost, ${logDoubled} doubled, ${lost} notifications lost`);
  return {
    problems,
    notifications: {
      expected: expectedNotifications,
      observedDistinct: observer.byEventId.size,
      observedMessages: observer.messages,
      lost,
      doubled,
      unexpected,
      heldByEmulatorAtCrash,
      redeliveredAfterLostAnswer: redeliveredIds.length,
    },
    eventLog: { expected: jobs.reduce((n, j) => n + j.deliveries.length, 0), stored: storedEvents, lost: logLost, doubled: logDoubled },
    states: { checked: jobs.length, wrong: wrongStates },
  };
}

/** What the run itself must show besides the plan check. */
export interface RunOutcome {
  readonly gaveUp: number;
  readonly faults: boolean;
  /** The poison record was marked undeliverable by the fan-out (parked) rather than blocking its shard. */
  readonly poisonParked: boolean;
  /** Notifications received live in all, and by the time the poison record was written. */
  readonly liveMessages: number;
  readonly liveNotifiedAtPoison: number;
  readonly redriveFailed: number;
  /** The mid-flight fauxqs kill caught a Publish in flight. */
  readonly midFlightCaught: boolean;
}

/** Problems of the run: nothing given up, the poison record parked without stopping the shard, re-drive clean. */
export function runProblems(outcome: RunOutcome): string[] {
  const problems: string[] = [];
  if (outcome.gaveUp > 0) problems.push(`${outcome.gaveUp} deliveries gave up (a provider would have dropped them)`);
  if (outcome.faults) {
    if (!outcome.poisonParked) problems.push('the poison record was not parked (marked undeliverable) by the fan-out');
    if (outcome.liveMessages <= outcome.liveNotifiedAtPoison) problems.push('no live notification after the poison record: the shard stopped flowing');
    if (!outcome.midFlightCaught) problems.push('the mid-flight fauxqs kill caught no Publish in flight: the fault was not injected');
  }
  if (outcome.redriveFailed > 0) problems.push(`re-drive failed for ${outcome.redriveFailed} event(s)`);
  return problems;
}
