import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { CreateTopicCommand, DeleteTopicCommand, paginateListTopics } from '@aws-sdk/client-sns';
import { createTestTable, localDynamo, localSns, uniqueName } from '../helpers/aws-local';

describe('emulators started by the global setup', () => {
  it('serve DynamoDB with the stack-defined table', async () => {
    const table = await createTestTable();
    try {
      const tables = await localDynamo().send(new ListTablesCommand({}));
      expect(tables.TableNames).toContain(table.tableName);
    } finally {
      await table.drop();
    }
  });

  it('serve SNS: a topic created is listed', async () => {
    const sns = localSns();
    const created = await sns.send(new CreateTopicCommand({ Name: uniqueName('emulator-check') }));
    try {
      expect(created.TopicArn).toMatch(/^arn:aws:sns:[a-z0-9-]+:\d{12}:emulator-check-/);
      const listed: Array<string | undefined> = [];
      for await (const page of paginateListTopics({ client: sns }, {})) listed.push(...(page.Topics ?? []).map((t) => t.TopicArn));
      expect(listed).toContain(created.TopicArn);
    } finally {
      await sns.send(new DeleteTopicCommand({ TopicArn: created.TopicArn }));
    }
  });
});
