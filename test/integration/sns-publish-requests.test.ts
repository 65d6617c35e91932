/**
 * What the SNS publisher asks SNS (fauxqs) for each notification, and what a caller sees when it cannot publish.
 * The Publish request is read at the SDK boundary: fauxqs delivers the whole JSON structure whether or not the request
 * said MessageStructure json (see test/integration/sns-filtering.test.ts), so only the request shows that it did.
 */
import { CreateTopicCommand, type PublishCommandInput, PublishCommand } from '@aws-sdk/client-sns';
import { makeSnsClient, SnsNotificationPublisher, type TopicArns } from '../../lambda/adapters/sns-publisher';
import { permanentReason } from '../../lambda/core/fanout';
import type { OutgoingNotification } from '../../lambda/core/ports';
import { parseEnvelope, subscribeQueue } from '../../local/console-subscriber';
import { localSns, localSqs, snsEndpoint, uniqueName } from '../helpers/aws-local';
import { drainQueue } from '../helpers/fanout-harness';

const sns = localSns();
const sqs = localSqs();
let topics: TopicArns & { alerts: string };
let queueUrl: string;

beforeAll(async () => {
  const topic = async (kind: string) => (await sns.send(new CreateTopicCommand({ Name: uniqueName(kind) }))).TopicArn ?? '';
  topics = { succeeded: await topic('succeeded'), failed: await topic('failed'), alerts: await topic('alerts') };
  queueUrl = (await subscribeQueue(sqs, sns, uniqueName('all'), Object.values(topics))).queueUrl;
});
afterAll(() => {
  sns.destroy();
  sqs.destroy();
});

const notification = (topic: OutgoingNotification['topic'], message = JSON.stringify({ default: 'job failed', sqs: '{"status":"failed"}' })) => ({
  topic,
  subject: 'Job failed',
  message,
  attributes: { provider: 'contentor', status: 'failed', eventType: 'failed' },
});

const delivered = () => drainQueue(sqs, queueUrl, (body) => parseEnvelope(body));

describe('the Publish request', () => {
  it('is JSON-structured, to the notification topic, with the filter values as String attributes', async () => {
    const captured: PublishCommandInput[] = [];
    const client = localSns();
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === PublishCommand.name) captured.push(args.input as PublishCommandInput);
        return next(args);
      },
      { step: 'initialize', name: 'capturePublish' },
    );
    const sent = notification('failed');
    await new SnsNotificationPublisher(client, topics).publish(sent);
    client.destroy();
    expect(captured).toEqual([
      {
        TopicArn: topics.failed,
        MessageStructure: 'json',
        Subject: 'Job failed',
        Message: sent.message,
        MessageAttributes: {
          provider: { DataType: 'String', StringValue: 'contentor' },
          status: { DataType: 'String', StringValue: 'failed' },
          eventType: { DataType: 'String', StringValue: 'failed' },
        },
      },
    ]);
    expect((await delivered()).map((envelope) => envelope.TopicArn)).toEqual([topics.failed]);
  });
});

describe('makeSnsClient', () => {
  it('publishes to the endpoint it is given (fauxqs here)', async () => {
    const client = makeSnsClient(snsEndpoint());
    await new SnsNotificationPublisher(client, topics).publish(notification('alerts'));
    client.destroy();
    expect((await delivered()).map((envelope) => envelope.TopicArn)).toEqual([topics.alerts]);
  });
});

describe('a notification that cannot be published', () => {
  it('to the job-alerts topic of a publisher wired without it: names the topic and the wiring', async () => {
    const systemsOnly = new SnsNotificationPublisher(sns, { succeeded: topics.succeeded, failed: topics.failed });
    await expect(systemsOnly.publish(notification('alerts'))).rejects.toThrow('no topic ARN for alerts: this publisher was wired without the job-alerts topic');
    expect(await delivered()).toEqual([]);
  });

  it('refused by SNS (too large): the reason the fan-out parks it with names SNS error code and message', async () => {
    const tooLarge = notification('failed', JSON.stringify({ default: 'x'.repeat(262_145) }));
    const error = await new SnsNotificationPublisher(sns, topics).publish(tooLarge).catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      name: 'UnpublishableNotificationError',
      message: expect.stringMatching(/^SNS refused the notification \(InvalidParameter\w*\): \S/),
    });
    expect(permanentReason(error)).toMatch(
      /^SNS refused the message: UnpublishableNotificationError: SNS refused the notification \(InvalidParameter\w*\): \S/,
    );
    expect(await delivered()).toEqual([]);
  });
});
