/**
 * One terminal event item -> one SNS message (MessageStructure json): readable e-mail text, an AWS Chatbot custom
 * notification for `https` (Slack), and the stable JSON document (contract) for everything else.
 */
import type { EventItem } from '../items';
import { topicFor, type NotificationDocumentFields } from '../model';
import type { OutgoingNotification } from '../ports';
import type { ProviderRegistry } from '../providers';
import { describeEvent, labelOf, moduleOf, payloadDetails, type Segment } from './describe';
import { payloadTextOf } from './payload';
import { asciiText, plainText, shellWord, slackCode, truncate } from './text';

/** Options for {@link buildNotification}. */
export interface BuildOptions {
  /** The command a reader runs to look a job up, e.g. `npm run jobs -- get`; ids are appended. */
  readonly jobsCommandHint: string;
  /** Providers whose wording and job naming to use (built-ins and configured). @default the built-ins */
  readonly providers?: ProviderRegistry;
}

/** SNS: Subject must be ASCII, no line breaks or control characters, and less than 100 characters. */
export const SUBJECT_MAX = 99;
/** SNS message limit (262,144 bytes, UTF-8). */
export const SNS_MESSAGE_MAX_BYTES = 262_144;
/** Longest provider id shown in a subject before it is shortened with `...`. */
const SUBJECT_ID_MAX = 40;
/** Longest provider value shown in e-mail or Slack text. */
const TEXT_VALUE_MAX = 200;
const MESSAGE_VALUE_MAX = 300;

/** Limits we keep for the Chatbot document (Slack renders long cards badly; the documented format is small). */
export const chatbotLimits = { title: 250, description: 4000, nextStep: 500 } as const;

/** The AWS Chatbot (Amazon Q Developer in chat applications) custom-notification document. */
export interface ChatbotNotification {
  version: '1.0';
  source: 'custom';
  id: string;
  content: { textType: 'client-markdown'; title: string; description: string; nextSteps: string[]; keywords: string[] };
  metadata: { threadId: string; summary: string; eventType: string; additionalContext: Record<string, string> };
}

/** Thrown for an item that must not notify (no topic): the caller's filter let through something it should not. */
export class NotNotifiableError extends Error {
  constructor(
    readonly eventId: string,
    readonly status: string,
  ) {
    super(`event ${eventId} with status ${status} does not notify`);
    this.name = 'NotNotifiableError';
  }
}

export function notificationFields(item: EventItem): NotificationDocumentFields {
  const { provider, jobId, status, eventType, eventId, occurredAt, receivedAt } = item;
  return { provider, jobId, status, eventType, eventId, occurredAt, receivedAt };
}

/**
 * The contract document as JSON text: our fields, then `payload` spliced in as the provider's JSON text, so no
 * number passes through a double and every key survives. `payloadText` must be JSON (notification/payload.ts).
 */
export function notificationDocumentText(fields: NotificationDocumentFields, payloadText: string): string {
  const head = JSON.stringify(fields);
  return `${head.slice(0, -1)},"payload":${payloadText}}`;
}

const PAYLOAD_OMITTED = JSON.stringify({ payloadOmitted: 'larger than an SNS message allows; read the event from the table' });

/** `<hint> <provider> <ids…>` as the provider names its jobs on the CLI, each id quoted for the shell when needed. */
export function lookupCommand(item: EventItem, jobsCommandHint: string, providers?: ProviderRegistry): string {
  const words = moduleOf(item, providers)?.naming.toArgs(item) ?? [item.jobId];
  return [jobsCommandHint, item.provider, ...words.map(shellWord)].join(' ');
}

function render(segments: Segment[], value: (v: string) => string): string {
  return segments.map((s) => (typeof s === 'string' ? s : value(s.value))).join('');
}

export function buildSubject(item: EventItem, providers?: ProviderRegistry): string {
  const { headline } = describeEvent(item, providers);
  const text = render(headline, (v) => asciiText(v, SUBJECT_ID_MAX));
  return asciiText(`[${item.status.toUpperCase()}] ${text}`, SUBJECT_MAX);
}

/** Label/value rows shared by the e-mail and Slack renderings; `provider: true` marks provider-controlled values. */
function facts(item: EventItem, providers?: ProviderRegistry): Array<{ label: string; value: string; provider: boolean }> {
  return [
    // A configured label passed the configuration's own check (config-schema.ts), so it is ours to show.
    { label: 'Provider', value: labelOf(item, providers), provider: false },
    { label: 'Job id', value: item.jobId, provider: true },
    { label: 'Event type', value: item.eventType, provider: true },
    { label: 'Status', value: item.status, provider: false },
    { label: 'Occurred at', value: item.occurredAt, provider: true },
    { label: 'Received at', value: item.receivedAt, provider: false },
    { label: 'Event id', value: item.eventId, provider: false },
    ...payloadDetails(item).map((d) => ({ ...d, provider: true })),
  ];
}

export function buildEmailText(item: EventItem, options: BuildOptions): string {
  const { headline, explanation } = describeEvent(item, options.providers);
  const rows = facts(item, options.providers).map(({ label, value, provider }) => {
    const max = label === 'Provider message' ? MESSAGE_VALUE_MAX : TEXT_VALUE_MAX;
    return `${`${label}:`.padEnd(18)}${provider ? plainText(value, max) : value}`;
  });
  return [
    render(headline, (v) => plainText(v, TEXT_VALUE_MAX)),
    '',
    explanation,
    '',
    ...rows,
    '',
    'Look it up:',
    // Ids are shell-quoted; control characters would break the line, so they become spaces here.
    `  ${plainText(lookupCommand(item, options.jobsCommandHint, options.providers), 1000)}`,
    '',
    'Each event is notified once; a re-drive after a delivery failure can repeat it with the same event id.',
    '',
  ].join('\n');
}

const statusEmoji: Record<string, string> = { succeeded: ':white_check_mark:', failed: ':x:', stalled: ':hourglass:' };

export function buildChatbotNotification(item: EventItem, options: BuildOptions): ChatbotNotification {
  const { headline, explanation } = describeEvent(item, options.providers);
  const title = truncate(`${statusEmoji[item.status] ?? ':information_source:'} ${render(headline, (v) => slackCode(v, 80))}`, chatbotLimits.title);
  const rows = facts(item).map(({ label, value, provider }) => {
    const max = label === 'Provider message' ? MESSAGE_VALUE_MAX : TEXT_VALUE_MAX;
    return `*${label}:* ${provider ? slackCode(value, max) : value}`;
  });
  const nextSteps = [`Look the job up: ${slackCode(lookupCommand(item, options.jobsCommandHint, options.providers), chatbotLimits.nextStep - 20)}`];
  if (item.status !== 'succeeded') nextSteps.push(`Check the job in ${labelOf(item, options.providers)} and resubmit it if needed.`);
  return {
    version: '1.0',
    source: 'custom',
    id: item.eventId,
    content: {
      textType: 'client-markdown',
      title,
      description: truncate([explanation, ...rows].join('\n'), chatbotLimits.description),
      nextSteps,
      // Our own words only: keywords render as tags, outside any code span.
      keywords: [item.provider, item.status],
    },
    metadata: {
      // One Slack thread per job, so a regeneration or a retry lands under the earlier message.
      threadId: asciiText(`${item.provider}-${item.jobId}`, 128),
      summary: buildSubject(item, options.providers),
      eventType: `${item.provider}.${item.status}`,
      additionalContext: {
        provider: item.provider,
        jobId: plainText(item.jobId, TEXT_VALUE_MAX),
        status: item.status,
        eventType: plainText(item.eventType, TEXT_VALUE_MAX),
        eventId: item.eventId,
      },
    },
  };
}

/**
 * The SNS message for one terminal event. The JSON document goes to `default`, `sqs` and `lambda`; when the
 * payload is so large that three copies would pass SNS's 256 KB limit, only `default` carries it (SNS falls back
 * to `default` for protocols without their own entry), and past that the payload is replaced by a note.
 */
export function buildNotification(item: EventItem, options: BuildOptions): OutgoingNotification {
  const topic = item.notifyTopic ?? topicFor(item.status);
  if (!topic) throw new NotNotifiableError(item.eventId, item.status);
  const email = buildEmailText(item, options);
  const https = JSON.stringify(buildChatbotNotification(item, options));
  const structure = (json: string, copies: boolean) =>
    JSON.stringify(copies ? { default: json, sqs: json, lambda: json, email, https } : { default: json, email, https });
  const fields = notificationFields(item);
  const full = notificationDocumentText(fields, payloadTextOf(item));
  const candidates = [() => structure(full, true), () => structure(full, false), () => structure(notificationDocumentText(fields, PAYLOAD_OMITTED), false)];
  let message = '';
  for (const candidate of candidates) {
    message = candidate();
    if (Buffer.byteLength(message, 'utf8') <= SNS_MESSAGE_MAX_BYTES) break;
  }
  return {
    topic,
    subject: buildSubject(item, options.providers),
    message,
    // Filter-policy attributes: SNS rejects empty String values, so an empty event type is sent as `-`.
    attributes: { provider: item.provider, status: item.status, eventType: item.eventType === '' ? '-' : truncate(item.eventType, 256) },
  };
}
