/**
 * Subscription filtering the way README "Subscribing" documents it: filter policies of the default scope
 * (`MessageAttributes`) on `provider`, `status` and `eventType`, evaluated by SNS when the fan-out publishes; each
 * subscriber routes by the same three fields of the JSON document it receives, never by envelope attributes (SNS sends
 * those only with String-structured messages, and ours are JSON-structured).
 *
 * Real notifications (buildNotification over event items) go through the real publisher to fauxqs, whose filter
 * evaluation at publish is what real SNS does. What fauxqs cannot show: that the envelope carries no attributes
 * (fauxqs adds them), so nothing here reads them.
 */
import { CreateTopicCommand } from '@aws-sdk/client-sns';
import fc from 'fast-check';
import { SnsNotificationPublisher, UnpublishableNotificationError, type TopicArns } from '../../lambda/adapters/sns-publisher';
import type { EventItem } from '../../lambda/core/items';
import { buildNotification } from '../../lambda/core/notification/build';
import type { OutgoingNotification } from '../../lambda/core/ports';
import { subscribeQueue, parseEnvelope, unwrapFauxqsStructure } from '../../local/console-subscriber';
import { contentorItem, panjayaItem } from '../helpers/event-item-fixtures';
import { drainQueue } from '../helpers/fanout-harness';
import { localSns, localSqs, uniqueName } from '../helpers/aws-local';
import { emulatorPropertyRuns } from '../helpers/property-runs';

const sns = localSns();
const sqs = localSqs();
const JOBS_HINT = 'npm run --silent jobs -- get';

/** The contract fields of the JSON document a subscriber routes by (docs/ARCHITECTURE.md "Fan-out"). */
interface NotificationDocument {
  provider: string;
  status: string;
  eventType: string;
  eventId: string;
}

/** The policies of README "Subscribing", and what each must let through. */
const policies = {
  all: { policy: undefined, accepts: () => true },
  panjaya: { policy: { provider: ['panjaya'] }, accepts: (d: NotificationDocument) => d.provider === 'panjaya' },
  contentorFailed: {
    policy: { provider: ['contentor'], status: ['failed'] },
    accepts: (d: NotificationDocument) => d.provider === 'contentor' && d.status === 'failed',
  },
  versionFailures: {
    policy: { eventType: ['version_failed', 'version_generate_failed'] },
    accepts: (d: NotificationDocument) => d.eventType === 'version_failed' || d.eventType === 'version_generate_failed',
  },
  versionEvents: { policy: { eventType: [{ prefix: 'version_' }] }, accepts: (d: NotificationDocument) => d.eventType.startsWith('version_') },
  notStalled: { policy: { status: [{ 'anything-but': ['stalled'] }] }, accepts: (d: NotificationDocument) => d.status !== 'stalled' },
} as const;
type PolicyName = keyof typeof policies;

let topics: TopicArns;
let publisher: SnsNotificationPublisher;
const queues = {} as Record<PolicyName, string>;

beforeAll(async () => {
  const topic = async (kind: string) => (await sns.send(new CreateTopicCommand({ Name: uniqueName(kind) }))).TopicArn ?? '';
  topics = { succeeded: await topic('succeeded'), failed: await topic('failed') };
  publisher = new SnsNotificationPublisher(sns, topics);
  for (const [name, { policy }] of Object.entries(policies)) {
    queues[name as PolicyName] = (await subscribeQueue(sqs, sns, uniqueName(name), Object.values(topics), policy)).queueUrl;
  }
});

/** What an SQS subscriber reads: the document in the `sqs` entry of the structure. */
function received(queueUrl: string): Promise<NotificationDocument[]> {
  return drainQueue(sqs, queueUrl, (body) => {
    const envelope = parseEnvelope(body);
    // fauxqs quirk: it delivers the whole MessageStructure json document where real SNS delivers only the entry for
    // the subscriber's protocol; unwrap it explicitly (a no-op on what real SNS sends).
    return JSON.parse(unwrapFauxqsStructure(envelope.Message, 'sqs')) as NotificationDocument;
  });
}

/** The raw body the fan-out builds the payload from, where the fixture does not carry one (filters ignore it). */
const withBody = (item: EventItem): EventItem =>
  item.body ? item : { ...item, body: Buffer.from(JSON.stringify({ job: item.jobId, event: item.eventType })) };
const contentor = (status: string) => withBody(contentorItem(status));
const panjaya = (event: string, asset: string, version?: string) => withBody(panjayaItem(event, asset, version));

const terminalItems: Array<() => EventItem> = [
  () => contentor('completed'),
  () => contentor('failed'),
  () => panjaya('version_generated', 'asset-f', 'v1'),
  () => panjaya('version_failed', 'asset-f', 'v2'),
  () => panjaya('version_generate_failed', 'asset-f', 'v3'),
  () => panjaya('asset_failed', 'asset-g'),
];

/** The watchdog's stall notification reuses the item's fields with `status: stalled` on the failed topic. */
const stalled = (item: EventItem): EventItem => ({ ...item, status: 'stalled', notifyTopic: 'failed' });

describe('SNS subscription filtering on provider, status and eventType', () => {
  it('delivers each published notification to exactly the subscriptions whose policy accepts it, once', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.record({ make: fc.constantFrom(...terminalItems), stall: fc.boolean() }), { minLength: 1, maxLength: 8 }), async (picks) => {
        const items = picks.map(({ make, stall }) => (stall ? stalled(make()) : make()));
        for (const item of items) await publisher.publish(buildNotification(item, { jobsCommandHint: JOBS_HINT }));
        for (const [name, { accepts }] of Object.entries(policies)) {
          const documents = await received(queues[name as PolicyName]);
          const expected = items.filter((item) => accepts(item as unknown as NotificationDocument)).map((item) => item.eventId);
          expect({ name, eventIds: documents.map((d) => d.eventId).sort() }).toEqual({ name, eventIds: [...expected].sort() });
          // A subscriber can act on what its filter matched from the document alone.
          for (const document of documents) expect(accepts(document)).toBe(true);
        }
      }),
      { numRuns: emulatorPropertyRuns(0.25, 15) },
    );
  });

  it('carries the three filter values in the document each subscriber receives, equal to the attributes SNS filtered on', async () => {
    const item = panjaya('version_generate_failed', 'asset-h', 'v9');
    const notification = buildNotification(item, { jobsCommandHint: JOBS_HINT });
    await publisher.publish(notification);
    const [document] = await received(queues.versionFailures);
    expect(document && { provider: document.provider, status: document.status, eventType: document.eventType }).toEqual(notification.attributes);
    for (const name of Object.keys(policies) as PolicyName[]) await received(queues[name]);
  });

  it('matches a policy on an attribute value SNS could not carry as given, after the publisher made it valid', async () => {
    // SNS refuses control characters and lone surrogates in String attributes; the publisher replaces them with U+FFFD.
    const notification: OutgoingNotification = {
      ...buildNotification(contentor('failed'), { jobsCommandHint: JOBS_HINT }),
      attributes: { provider: 'contentor', status: 'failed', eventType: 'fail\u0001ed\ud800' },
    };
    const queueUrl = (await subscribeQueue(sqs, sns, uniqueName('odd'), [topics.failed], { eventType: ['fail\ufffded\ufffd'] })).queueUrl;
    await publisher.publish(notification);
    expect(await received(queueUrl)).toHaveLength(1);
    for (const name of Object.keys(policies) as PolicyName[]) await received(queues[name]);
  });
});

describe('SNS publisher errors', () => {
  const valid = () => buildNotification(contentor('failed'), { jobsCommandHint: JOBS_HINT });

  it('names a message SNS refuses (too large) as unpublishable, so the fan-out parks it rather than retrying', async () => {
    const tooLarge = { ...valid(), message: JSON.stringify({ default: 'x'.repeat(262_145) }) };
    const error = await publisher.publish(tooLarge).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnpublishableNotificationError);
    expect(error).toMatchObject({ permanent: true, code: expect.stringMatching(/^InvalidParameter/) });
  });

  it('leaves every other failure (here: the topic is gone) as it is, for the batch to be retried', async () => {
    const gone = new SnsNotificationPublisher(sns, { succeeded: `${topics.succeeded}-gone`, failed: `${topics.failed}-gone` });
    const error = await gone.publish(valid()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(UnpublishableNotificationError);
  });
});
