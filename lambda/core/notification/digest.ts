/**
 * One digest per alert window: the alert-worthy events past the window's individual budget (and any alert that could
 * not be sent on its own), as one message on the job-alerts topic. Its `default` entry is the digest document
 * (contract: docs/ARCHITECTURE.md "Alerts for people"); `email` and `https` (AWS Chatbot) are for people.
 */
import { ALERTS_TOPIC } from '../../contracts';
import type { OutgoingNotification } from '../ports';
import { builtInRegistry, type ProviderRegistry } from '../providers';
import { SUBJECT_MAX, type ChatbotNotification, chatbotLimits, snsPublishBytes, SNS_MESSAGE_MAX_BYTES } from './build';
import { asciiText, plainText, shellWord, slackCode, truncate } from './text';

/** Jobs a digest names one by one; the rest are counted in `more`. */
export const DIGEST_JOBS_MAX = 20;

export interface DigestJob {
  provider: string;
  jobId: string;
  status: string;
  eventType: string;
  eventId: string;
}

/** The digest document (contract). */
export interface DigestDocument {
  kind: 'digest';
  windowStart: string;
  windowEnd: string;
  total: number;
  byProvider: Record<string, Record<string, number>>;
  jobs: DigestJob[];
  more: number;
  listCommand: string;
}

/**
 * The jobs CLI command without its `get` (the hint names how to look one job up, e.g.
 * `npm run --silent jobs -- --outputs outputs.json get`), so `list` and `stalled` can follow it.
 */
export function jobsCommandBase(jobsCommandHint: string): string {
  return jobsCommandHint.replace(/\s+get\s*$/, '');
}

/** The command(s) that list every job of the digest: one per status, `stalled` through its own command. */
export function listCommandFor(statusCounts: Record<string, number>, windowStart: string, jobsCommandHint: string): string {
  const base = jobsCommandBase(jobsCommandHint);
  return Object.keys(statusCounts)
    .sort()
    .map((status) => {
      const limit = Math.max(100, statusCounts[status] ?? 0);
      return status === 'stalled'
        ? `${base} stalled --since ${windowStart} --limit ${limit}`
        : `${base} list --status ${shellWord(status)} --since ${windowStart} --limit ${limit}`;
    })
    .join('; ');
}

/** The digest document of a window's events, listed in the order given (when each was decided). */
export function buildDigestDocument(window: { start: string; end: string }, events: readonly DigestJob[], jobsCommandHint: string): DigestDocument {
  const perProvider = new Map<string, Map<string, number>>();
  const byStatus: Record<string, number> = {};
  for (const e of events) {
    const counts = perProvider.get(e.provider) ?? new Map<string, number>();
    perProvider.set(e.provider, counts.set(e.status, (counts.get(e.status) ?? 0) + 1));
    byStatus[e.status] = (byStatus[e.status] ?? 0) + 1;
  }
  const byProvider = Object.fromEntries([...perProvider].map(([provider, counts]) => [provider, Object.fromEntries(counts)]));
  const jobs = events.slice(0, DIGEST_JOBS_MAX).map(({ provider, jobId, status, eventType, eventId }) => ({ provider, jobId, status, eventType, eventId }));
  return {
    kind: 'digest',
    windowStart: window.start,
    windowEnd: window.end,
    total: events.length,
    byProvider,
    jobs,
    more: events.length - jobs.length,
    listCommand: listCommandFor(byStatus, window.start, jobsCommandHint),
  };
}

/** `10:00-10:10 UTC on 2026-12-04` (ASCII, for subjects and titles); seconds when a window is not whole minutes. */
function windowWords(doc: DigestDocument): string {
  const wholeMinutes = doc.windowStart.slice(17, 23) === '00.000' && doc.windowEnd.slice(17, 23) === '00.000';
  const time = (iso: string) => iso.slice(11, wholeMinutes ? 16 : 19);
  return `${time(doc.windowStart)}-${time(doc.windowEnd)} UTC on ${doc.windowStart.slice(0, 10)}`;
}

function statusWords(doc: DigestDocument): string {
  const statuses = new Set(Object.values(doc.byProvider).flatMap((counts) => Object.keys(counts)));
  return [...statuses].sort().join(' or ');
}

function labelOf(provider: string, providers: ProviderRegistry): string {
  return providers.get(provider)?.label ?? provider;
}

function countsLine(counts: Record<string, number>): string {
  return Object.entries(counts)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([status, n]) => `${status} ${n}`)
    .join(', ');
}

export function buildDigestSubject(doc: DigestDocument): string {
  const jobs = doc.total === 1 ? '1 job' : `${doc.total} jobs`;
  return asciiText(`[DIGEST] ${jobs} ${statusWords(doc)}, ${windowWords(doc)}`, SUBJECT_MAX);
}

export function buildDigestEmailText(doc: DigestDocument, providers: ProviderRegistry = builtInRegistry): string {
  const rows = doc.jobs.map((j) =>
    ['  ', plainText(j.provider, 40).padEnd(12), plainText(j.jobId, 120), `  ${j.status}`, `  ${plainText(j.eventType, 80)}`, `  ${j.eventId}`].join(''),
  );
  return [
    `${doc.total} ${doc.total === 1 ? 'job' : 'jobs'} ${statusWords(doc)} in the alert window ${doc.windowStart} to ${doc.windowEnd},`,
    'beyond the individual alerts that window allows (alertsPerWindow), so they come together here.',
    '',
    'By provider:',
    ...Object.entries(doc.byProvider)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([provider, counts]) => `  ${labelOf(provider, providers).padEnd(14)}${countsLine(counts)}`),
    '',
    doc.more > 0
      ? `The first ${doc.jobs.length} (provider, job id, status, event type, event id):`
      : 'Each of them (provider, job id, status, event type, event id):',
    ...rows,
    ...(doc.more > 0 ? [`  … and ${doc.more} more.`] : []),
    '',
    'List them all:',
    ...doc.listCommand.split('; ').map((command) => `  ${command}`),
    '',
  ].join('\n');
}

export function buildDigestChatbotNotification(doc: DigestDocument, providers: ProviderRegistry = builtInRegistry): ChatbotNotification {
  const perProvider = Object.entries(doc.byProvider)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([provider, counts]) => `*${labelOf(provider, providers)}:* ${countsLine(counts)}`);
  const jobLines = doc.jobs.map((j) => `${slackCode(j.provider, 40)} ${slackCode(j.jobId, 120)} ${j.status}`);
  const description = [...perProvider, '', ...jobLines, ...(doc.more > 0 ? [`… and ${doc.more} more`] : [])].join('\n');
  return {
    version: '1.0',
    source: 'custom',
    id: `digest-${doc.windowStart}`,
    content: {
      textType: 'client-markdown',
      title: truncate(`:rotating_light: ${doc.total} ${doc.total === 1 ? 'job' : 'jobs'} ${statusWords(doc)} (${windowWords(doc)})`, chatbotLimits.title),
      description: truncate(description, chatbotLimits.description),
      nextSteps: doc.listCommand.split('; ').map((command) => `List them: ${slackCode(command, chatbotLimits.nextStep - 20)}`),
      keywords: ['digest', ...Object.keys(doc.byProvider).slice(0, 5)],
    },
    metadata: {
      threadId: asciiText(`digest-${doc.windowStart.slice(0, 10)}`, 128),
      summary: buildDigestSubject(doc),
      eventType: 'digest',
      additionalContext: { windowStart: doc.windowStart, windowEnd: doc.windowEnd, total: String(doc.total) },
    },
  };
}

/**
 * Attributes as on an alert, so filter policies keep working: `status=digest`, `provider` = the only provider or `-`
 * when several, `eventType` = the only event type or `-`.
 */
function digestAttributes(doc: DigestDocument, events: readonly DigestJob[]): Record<string, string> {
  const only = (values: string[]) => (new Set(values).size === 1 && values[0] ? truncate(values[0], 256) : '-');
  return { provider: only(Object.keys(doc.byProvider)), status: 'digest', eventType: only(events.map((e) => e.eventType)) };
}

export function buildDigestNotification(
  window: { start: string; end: string },
  events: readonly DigestJob[],
  options: { jobsCommandHint: string; providers?: ProviderRegistry },
): { notification: OutgoingNotification; document: DigestDocument } {
  const providers = options.providers ?? builtInRegistry;
  const document = buildDigestDocument(window, events, options.jobsCommandHint);
  const subject = buildDigestSubject(document);
  const attributes = digestAttributes(document, events);
  let message = JSON.stringify({
    default: JSON.stringify(document),
    email: buildDigestEmailText(document, providers),
    https: JSON.stringify(buildDigestChatbotNotification(document, providers)),
  });
  // Twenty bounded ids cannot reach SNS's limit with the rest; the check keeps that true if the bounds ever change.
  if (snsPublishBytes({ message, subject, attributes }) > SNS_MESSAGE_MAX_BYTES) message = JSON.stringify({ default: JSON.stringify(document) });
  return { notification: { topic: ALERTS_TOPIC, subject, message, attributes }, document };
}
