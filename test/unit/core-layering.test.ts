/**
 * The core decides and the adapters speak DynamoDB (docs/ARCHITECTURE.md "Module layout"): checked on the source, so
 * neither an SDK import nor DynamoDB expression syntax can creep back into lambda/core.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    return statSync(file).isDirectory() ? sources(file) : file.endsWith('.ts') ? [file] : [];
  });
}

const coreDir = path.resolve(__dirname, '../../lambda/core');
const sdkImport = /from\s*'@aws-sdk\//;
/** Request fields and functions of DynamoDB's expression language, and `#name = :value` placeholders. */
const dynamoSyntax =
  /\b(?:UpdateExpression|ConditionExpression|KeyConditionExpression|FilterExpression|ProjectionExpression|ExpressionAttributeNames|ExpressionAttributeValues|attribute_not_exists|attribute_exists|if_not_exists|begins_with)\b|#\w+ = :\w+/;

const offending = (pattern: RegExp) =>
  sources(coreDir)
    .filter((file) => pattern.test(readFileSync(file, 'utf8')))
    .map((file) => path.relative(coreDir, file));

it('the core reads and writes through ports: no AWS SDK import in lambda/core', () => {
  expect(offending(sdkImport)).toEqual([]);
});

it('the core says what changes, not how DynamoDB spells it: no expression syntax in lambda/core', () => {
  expect(offending(dynamoSyntax)).toEqual([]);
});

it('the checks recognise what they look for', () => {
  expect(sdkImport.test("import { GetCommand } from '@aws-sdk/lib-dynamodb';")).toBe(true);
  for (const text of ["ConditionExpression: 'attribute_not_exists(#pk)'", 'SET #status = :status', 'if_not_exists(#seq, :zero)', 'begins_with(sk, :p)']) {
    expect(dynamoSyntax.test(text)).toBe(true);
  }
  expect(dynamoSyntax.test("requires: { kind: 'absent' }")).toBe(false);
  expect(sources(coreDir).length).toBeGreaterThan(10);
});
