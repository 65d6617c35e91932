/**
 * The `https` entry of an alert (the job-alerts topic, which AWS Chatbot subscribes to with protocol https) must be an
 * AWS Chatbot (Amazon Q Developer in chat applications) custom notification. The
 * schema below is written from the documented event format: version "1.0" and source "custom" required,
 * content.description required, textType only "client-markdown", the optional fields named in the docs, nothing
 * else. Length limits are this product's own bounds (see chatbotLimits), restated here rather than imported.
 */
import { z } from 'zod';
import { buildAlertNotification, buildChatbotNotification } from '../../lambda/core/notification';
import type { EventItem } from '../../lambda/core/items';
import { contentorItem, panjayaItem } from '../helpers/event-item-fixtures';

const text = (max: number) => z.string().min(1).max(max);
const ChatbotCustomNotificationSchema = z
  .object({
    version: z.literal('1.0'),
    source: z.literal('custom'),
    id: z.string().optional(),
    content: z
      .object({
        textType: z.literal('client-markdown').optional(),
        title: text(250).optional(),
        description: text(4000),
        nextSteps: z.array(text(500)).max(5).optional(),
        keywords: z.array(text(75)).max(10).optional(),
      })
      .strict(),
    metadata: z
      .object({
        threadId: text(128).optional(),
        summary: text(250).optional(),
        eventType: text(100).optional(),
        relatedResources: z.array(z.string()).optional(),
        additionalContext: z.record(z.string(), z.string().max(500)).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

const opts = { jobsCommandHint: 'npm run --silent jobs -- get' };
const items: Array<[string, () => EventItem]> = [
  ['Panjaya version_generated', () => panjayaItem('version_generated', 'asset-1', 'ver-1')],
  ['Panjaya version_failed', () => panjayaItem('version_failed', 'asset-1', 'ver-1')],
  ['Panjaya version_generate_failed', () => panjayaItem('version_generate_failed', 'asset-1', 'ver-1')],
  ['Panjaya asset_failed', () => panjayaItem('asset_failed', 'asset-1')],
  ['Contentor completed', () => contentorItem('completed')],
  ['Contentor failed', () => contentorItem('failed')],
  [
    'long and hostile ids',
    () => panjayaItem('version_failed', '<!channel> *bold* `x` & '.repeat(40), 'v'.repeat(2000), { extraPayload: { error_message: 'e'.repeat(5000) } }),
  ],
];

describe.each(items)('Chatbot notification for %s', (_name, make) => {
  const item = make();

  it('is the https entry of the alert and matches the documented schema', () => {
    const structure = JSON.parse(buildAlertNotification(item, opts).message) as { https: string };
    const document = ChatbotCustomNotificationSchema.parse(JSON.parse(structure.https));
    expect(document.id).toBe(item.eventId);
    expect(document.content.nextSteps?.[0]).toContain('npm run --silent jobs -- get');
  });
});

describe('Chatbot notification text', () => {
  it('puts provider values in code spans with Slack control characters escaped', () => {
    const item = panjayaItem('version_failed', 'a<!channel>&b', 'v`1*');
    const { content } = buildChatbotNotification(item, opts);
    expect(content.title).toBe(":x: Panjaya version `a&lt;!channel&gt;&amp;b/v'1*` failed (dubbing)");
    expect(content.description).toContain("*Job id:* `a&lt;!channel&gt;&amp;b/v'1*`");
    expect(`${content.title}${content.description}${content.nextSteps.join('')}`).not.toMatch(/<|>/);
  });

  it('tags the card with our own words only and threads it per job', () => {
    const item = contentorItem('completed', 'job-1');
    const document = buildChatbotNotification(item, opts);
    expect(document.content.keywords).toEqual(['contentor', 'succeeded']);
    expect(document.metadata.threadId).toBe('contentor-job-1');
  });
});
