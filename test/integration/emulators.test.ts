import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ListTopicsCommand } from '@aws-sdk/client-sns';
import { createTestTable, localDynamo, localSns } from '../helpers/aws-local';

describe('emulators started by the global setup', () => {
  it('serve DynamoDB with the stack-defined table and SNS', async () => {
    const table = await createTestTable();
    const tables = await localDynamo().send(new ListTablesCommand({}));
    expect(tables.TableNames).toContain(table.tableName);
    const topics = await localSns().send(new ListTopicsCommand({}));
    expect(Array.isArray(topics.Topics ?? [])).toBe(true);
    await table.drop();
  });
});
