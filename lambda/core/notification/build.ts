/**
 * One notifiable event item -> SNS messages (MessageStructure json), one per audience (docs/ARCHITECTURE.md "Fan-out"):
 * - systems (`succeeded` / `failed` topics): the stable JSON document (contract) under every machine protocol's key,
 *   `https` included, since SNS picks the entry by protocol and a system's webhook subscribes as `https`;
 * - people (the job-alerts topic): the same document plus `"kind":"alert"` as `default`, readable e-mail text, and the
 *   AWS Chatbot custom notification under `https` (Chatbot subscribes with that protocol, for Slack and Teams).
 */
import type { EventItem } from '../items';
import { ALERTS_TOPIC } from '../../contracts';
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
/** SNS message limit (262,144 bytes, UTF-8): the message, its Subject and its message attributes together. */
export const SNS_MESSAGE_MAX_BYTES = 262_144;

/**
 * The bytes SNS counts against {@link SNS_MESSAGE_MAX_BYTES} for one Publish: the message, the Subject, and each
 * message attribute's name, data type and value. A message that fits on its own can still be refused once those are
 * added, and a refused message is parked for good, so every builder checks the whole sum.
 */
export function snsPublishBytes(notification: Pick<OutgoingNotification, 'message' | 'subject' | 'attributes'>): number {
  const bytes = (text: string) => Buffer.byteLength(text, 'utf8');
  let total = bytes(notification.message) + bytes(notification.subject);
  for (const [name, value] of Object.entries(notification.attributes)) total += bytes(name) + bytes('String') + bytes(value);
  return total;
}

/** Machine protocols SNS gives their own entry in a json-structured message; all get the contract document. */
export const MACHINE_PROTOCOLS = ['default', 'sqs', 'lambda', 'http', 'https', 'email-json', 'firehose'] as const;

/**
 * The first of `structures` whose Publish fits SNS's limit, else the last one (the caller makes that one small:
 * the payload replaced by a note).
 */
function firstThatFits(structures: ReadonlyArray<() => Record<string, string>>, subject: string, attributes: Record<string, string>): string {
  let message = '';
  for (const structure of structures) {
    message = JSON.stringify(structure());
    if (snsPublishBytes({ message, subject, attributes }) <= SNS_MESSAGE_MAX_BYTES) break;
  }
  return message;
}
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
export function notificationDocumentText(fields: NotificationDocumentFields, payloadText: string, kind?: 'alert'): string {
  const head = JSON.stringify(kind ? { kind, ...fields } : fields);
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
  const rows = facts(item, options.providers).map(({ label, value, provider }) => {
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

/** Filter-policy attributes: SNS rejects empty String values, so an empty event type is sent as `-`. */
function filterAttributes(item: EventItem): Record<string, string> {
  return { provider: item.provider, status: item.status, eventType: item.eventType === '' ? '-' : truncate(item.eventType, 256) };
}

/**
 * The systems message for one notifiable event (the `succeeded` or `failed` topic): the contract document under every
 * machine protocol's key, and readable text under `email` for anyone who subscribes an inbox by hand (people belong on
 * the job-alerts topic: README "Subscribing"). When the copies would pass SNS's limit, only `default` carries the
 * document (SNS falls back to `default` for a protocol without its own entry); past that the payload becomes a note.
 */
export function buildNotification(item: EventItem, options: BuildOptions): OutgoingNotification {
  const topic = item.notifyTopic ?? topicFor(item.status);
  if (!topic) throw new NotNotifiableError(item.eventId, item.status);
  const email = buildEmailText(item, options);
  const fields = notificationFields(item);
  const full = notificationDocumentText(fields, payloadTextOf(item));
  const omitted = notificationDocumentText(fields, PAYLOAD_OMITTED);
  const subject = buildSubject(item, options.providers);
  const attributes = filterAttributes(item);
  const everyProtocol = (json: string) => ({ ...Object.fromEntries(MACHINE_PROTOCOLS.map((p) => [p, json])), email });
  const message = firstThatFits([() => everyProtocol(full), () => ({ default: full, email }), () => ({ default: omitted, email })], subject, attributes);
  return { topic, subject, message, attributes };
}

/**
 * The people's message for one event (the job-alerts topic): `default` is the systems document plus `"kind":"alert"`,
 * `email` the readable text, `https` the AWS Chatbot card (Slack, Teams). Same attributes as the systems message, so
 * filter policies work alike. Past SNS's limit the payload becomes a note; the card and text never carry it.
 */
export function buildAlertNotification(item: EventItem, options: BuildOptions): OutgoingNotification {
  const email = buildEmailText(item, options);
  const https = JSON.stringify(buildChatbotNotification(item, options));
  const fields = notificationFields(item);
  const subject = buildSubject(item, options.providers);
  const attributes = filterAttributes(item);
  const message = firstThatFits(
    [
      () => ({ default: notificationDocumentText(fields, payloadTextOf(item), 'alert'), email, https }),
      () => ({ default: notificationDocumentText(fields, PAYLOAD_OMITTED, 'alert'), email, https }),
    ],
    subject,
    attributes,
  );
  return { topic: ALERTS_TOPIC, subject, message, attributes };
}
