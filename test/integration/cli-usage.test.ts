/**
 * The CLIs as a user runs them (separate processes through tsx): usage errors that name what was wrong and exit 2,
 * misspelled statuses, the job id `send` prints, the event count of `jobs get`, and a stale outputs file. The
 * receiver behind them is the real handler on DynamoDB Local (test/helpers/receiver-harness.ts).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { makeDocumentClient } from '../../lambda/adapters/dynamo-client';
import { DynamoEventStore } from '../../lambda/adapters/dynamo-event-store';
import { freePort } from '../../local/emulators';
import { listen } from '../../local/http-server';
import { jobStateReader } from '../../tools/examples/read-job-state';
import { createTestTable, dynamoEndpoint } from '../helpers/aws-local';
import { CONTENTOR_SECRET, receiverHarness, type ReceiverHarness } from '../helpers/receiver-harness';

const root = path.resolve(__dirname, '../..');
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
const stateDir = mkdtempSync(path.join(tmpdir(), 'cli-'));
const env: NodeJS.ProcessEnv = { ...process.env, LOCAL_STATE_DIR: stateDir };
delete env.LOCAL_OUTPUTS_FILE;
delete env.CONTENTOR_WEBHOOK_SECRETS;

/** Runs a CLI without blocking this process: the receiver it talks to runs here. */
function cli(tool: 'send' | 'jobs' | 'redrive' | 'replay', args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(tsx, [path.join(root, 'tools', `${tool}.ts`), ...args], { env, cwd: root, encoding: 'utf8', timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
    });
  });
}

let harness: ReceiverHarness;
let table: Awaited<ReturnType<typeof createTestTable>>;
let outputsFile: string;
/** A target that only counts requests: proves a refused `send` sent nothing. */
let counter: Server;
let counterUrl: string;
let counted = 0;

beforeAll(async () => {
  table = await createTestTable();
  const client = makeDocumentClient({ endpoint: dynamoEndpoint() });
  harness = await receiverHarness({ store: new DynamoEventStore({ client, tableName: table.tableName, retentionDays: 30 }) });
  outputsFile = path.join(stateDir, 'outputs.json');
  writeFileSync(outputsFile, JSON.stringify({ JobWebhookReceiver: { ApiUrl: harness.url, TableName: table.tableName, DynamoDbEndpoint: dynamoEndpoint() } }));
  counter = createServer((req, res) => {
    counted += 1;
    req.resume();
    res.end('{"status":"accepted","eventId":"x"}');
  });
  counterUrl = `http://127.0.0.1:${await listen(counter, 0)}`;
}, 60_000);

afterAll(async () => {
  await harness.stop();
  await table.drop();
  await new Promise((resolve) => counter.close(resolve));
  rmSync(stateDir, { recursive: true, force: true });
});

describe('usage errors name what was wrong and exit 2', () => {
  it.each([
    ['send', ['contentor', 'failed', '--uid', 'x'], 'unknown option --uid (did you mean --uuid?)', 'npm run send -- --help'],
    ['jobs', ['get', 'contentor', 'x', '--jsn'], 'unknown option --jsn (did you mean --json?)', 'npm run jobs -- --help'],
    ['redrive', ['--exeute'], 'unknown option --exeute (did you mean --execute?)', 'npm run redrive -- --help'],
    ['jobs', ['lst', '--status', 'failed'], 'unknown command "lst" (did you mean list?)', 'npm run jobs -- --help'],
    ['send', ['contentr', 'failed'], 'unknown provider "contentr" (did you mean contentor?)', 'npm run send -- --help'],
  ] as const)('%s %j', async (tool, args, message, help) => {
    const result = await cli(tool, [...args]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain(help);
    expect(result.stderr).not.toMatch(/TypeError|ERR_PARSE_ARGS|at .*\.ts:\d+/);
  });

  it('jobs list refuses a status that does not exist, suggesting the closest', async () => {
    const result = await cli('jobs', ['list', '--status', 'faild', '--outputs', outputsFile]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown status "faild" (did you mean failed?)');
    expect(result.stdout).toBe('');
  });
});

describe('send and statuses the provider does not document', () => {
  it('refuses a misspelled Contentor status without sending anything', async () => {
    counted = 0;
    const result = await cli('send', ['contentor', 'faild', '--url', counterUrl, '--secret', CONTENTOR_SECRET]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('"faild" is not a Contentor status the provider documents (did you mean failed?)');
    expect(result.stderr).toContain('--allow-unknown');
    expect(counted).toBe(0);
  });

  it('refuses a misspelled Panjaya event the same way', async () => {
    const result = await cli('send', ['panjaya', 'version_generatd', '--url', counterUrl]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('(did you mean version_generated?)');
  });

  it('sends it on purpose with --allow-unknown, warning that it is stored as unknown', async () => {
    const result = await cli('send', ['contentor', 'paused', '--allow-unknown', '--outputs', outputsFile, '--secret', CONTENTOR_SECRET]);
    expect(result).toMatchObject({ code: 0, stdout: expect.stringMatching(/→ 200/) });
    expect(result.stderr).toMatch(/warning: "paused" is not a Contentor status.*stored as status "unknown"/);
    const uuid = /job: contentor (\S+)/.exec(result.stdout)?.[1] ?? '';
    expect(JSON.parse((await cli('jobs', ['get', 'contentor', uuid, '--json', '--outputs', outputsFile])).stdout)).toMatchObject({
      status: 'unknown',
      eventType: 'paused',
    });
  });
});

describe('send prints the job id and jobs get counts the events', () => {
  it('prints the generated uuid, which jobs get then finds', async () => {
    const result = await cli('send', ['contentor', 'completed', '--outputs', outputsFile, '--secret', CONTENTOR_SECRET]);
    expect(result.code).toBe(0);
    const uuid = /^job: contentor ([0-9a-f-]{36}) /m.exec(result.stdout)?.[1];
    expect(uuid).toEqual(expect.any(String));
    expect(result.stdout).toContain(`npm run --silent jobs -- get contentor ${uuid}`);
    expect((await cli('jobs', ['get', 'contentor', uuid ?? '', '--json', '--outputs', outputsFile])).code).toBe(0);
  });

  it('names a Panjaya version as jobs get takes it', async () => {
    const result = await cli('send', ['panjaya', 'version_generating', '--asset', 'A7', '--version', 'v2', '--url', counterUrl, '--key', writeKey()]);
    expect(result.stdout).toContain('job: panjaya A7 v2');
  });

  it('reports as "events" the events of the history, including one that did not move the state', async () => {
    const uuid = '3f2a9c1e-7d7e-4c55-9a3b-5d0c2f1e9b13';
    const send = (status: string, at: string) =>
      cli('send', ['contentor', status, '--uuid', uuid, '--timestamp', at, '--outputs', outputsFile, '--secret', CONTENTOR_SECRET]);
    expect((await send('processing', '2026-11-23T08:00:00Z')).stdout).toMatch(/→ 200/);
    expect((await send('completed', '2026-11-23T08:05:00Z')).stdout).toMatch(/→ 200/);
    // A late "processing": stored in the history, never moves the state back.
    expect((await send('processing', '2026-11-23T08:01:00Z')).stdout).toMatch(/→ 200/);
    const got = JSON.parse((await cli('jobs', ['get', 'contentor', uuid, '--json', '--outputs', outputsFile])).stdout) as Record<string, unknown>;
    const history = JSON.parse((await cli('jobs', ['history', 'contentor', uuid, '--json', '--outputs', outputsFile])).stdout) as unknown[];
    expect(history).toHaveLength(3);
    expect(got).toMatchObject({ status: 'succeeded', events: 3 });
    // The README's "from your own code" reader sees the same state.
    const reader = jobStateReader(table.tableName, {
      endpoint: dynamoEndpoint(),
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    expect(await reader.contentor(uuid)).toEqual({ provider: 'contentor', jobId: uuid, status: 'succeeded', eventType: 'completed', updatedAt: got.updatedAt });
    expect(await reader.panjaya('no-such-asset', 'v1')).toBeUndefined();
  });
});

describe('a stale outputs file (the local stack is no longer running)', () => {
  let stale: string;
  let staleApiUrl: string;
  beforeAll(async () => {
    const [api, dynamo] = [await freePort(), await freePort()];
    staleApiUrl = `http://127.0.0.1:${api}`;
    stale = path.join(stateDir, 'stale-outputs.json');
    writeFileSync(
      stale,
      JSON.stringify({
        JobWebhookReceiver: {
          ApiUrl: `http://127.0.0.1:${api}`,
          TableName: 't',
          DynamoDbEndpoint: `http://127.0.0.1:${dynamo}`,
          SnsEndpoint: `http://127.0.0.1:${dynamo}`,
        },
      }),
    );
  });

  it.each([
    ['send', ['contentor', 'failed', '--secret', 's']],
    ['jobs', ['get', 'contentor', 'x']],
    ['redrive', []],
    ['replay', ['list']],
    ['replay', ['run']],
  ] as const)('%s %s says the local stack is not answering and how to start it, in the same words', async (tool, args) => {
    const result = await cli(tool, [...args, '--outputs', stale]);
    expect(result.code).toBe(1);
    // Every CLI names the stack by its API URL, whichever endpoint it probed.
    expect(result.stderr).toContain(`the local stack at ${staleApiUrl} is not answering: start it with npm start`);
    expect(result.stderr).not.toMatch(/fetch failed|storage is unavailable|ECONNREFUSED/);
  });
});

function writeKey(): string {
  const file = path.join(stateDir, 'panjaya-key.pem');
  writeFileSync(file, harness.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  return file;
}
