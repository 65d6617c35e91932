/**
 * `npm run console -- --outputs FILE` for a deployed stack, run as a user runs it (the CLI entry as its own process)
 * through the code path the CLIs take for deployed stacks: an outputs file with no emulator endpoints, so the SDK's
 * default chain resolves credentials, the region comes from the stack's ARNs and the endpoints from the SDK's own
 * AWS_ENDPOINT_URL_<SERVICE> variables — here pointed at the test emulators, as they would be at AWS.
 *
 * Shows: the one printed line, the overview and a job page read from the table, a parked notification re-driven
 * through SNS (dry run, then execute), the quarantine listed while replay says why it cannot run (no Secrets Manager
 * here), and a clean stop on SIGTERM.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { makeDocumentClient } from '../../lambda/adapters/dynamo-client';
import { DynamoEventStore } from '../../lambda/adapters/dynamo-event-store';
import { DynamoJobQueries } from '../../lambda/adapters/dynamo-job-queries';
import { dynamoEndpoint, snsEndpoint } from '../helpers/aws-local';
import { fanoutHarness, takeAll } from '../helpers/fanout-harness';
import { runInTerminal, type TerminalRun, waitFor } from '../helpers/processes';
import { CONTENTOR_SECRET, receiverHarness, type ReceiverHarness } from '../helpers/receiver-harness';
import { signContentorHeader } from '../helpers/signing';

const root = path.resolve(__dirname, '../..');
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
const dir = mkdtempSync(path.join(tmpdir(), 'console-deployed-'));
const outputsFile = path.join(dir, 'outputs.json');
const BIG = '98765432109876543210';

let fan: Awaited<ReturnType<typeof fanoutHarness>>;
let receiver: ReceiverHarness;
let run: TerminalRun;
let base = '';
let cookie = '';
const failedJob = `deployed-${randomUUID()}`;
const parkedJob = `parked-${randomUUID()}`;

async function send(uuid: string, status: string, extra = ''): Promise<void> {
  const body = `{"uuid": "${uuid}", "status": "${status}", "timestamp": "${new Date().toISOString()}"${extra}}`;
  const answer = await receiver.post('/webhooks/contentor', body, { 'x-webhook-signature': signContentorHeader(body, CONTENTOR_SECRET) });
  expect(answer.status).toBe(200);
}

/** Drains the stream through the fan-out (a few empty rounds in a row: DynamoDB Local's stream can lag one read). */
async function drain(): Promise<void> {
  for (let empty = 0; empty < 3; ) empty = (await fan.poller.pollOnce()) > 0 ? 0 : empty + 1;
}

async function get(pathName: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`${base}${pathName}`, { headers: { cookie }, redirect: 'manual' });
  return { status: res.status, text: await res.text() };
}

async function post(pathName: string, form: URLSearchParams): Promise<{ status: number; text: string }> {
  const res = await fetch(`${base}${pathName}`, {
    method: 'POST',
    headers: { cookie, origin: base, 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
    redirect: 'manual',
  });
  return { status: res.status, text: await res.text() };
}

/** The value of a hidden input in a page (our markup: `name="…" value="…"`). */
function hidden(page: string, name: string): string[] {
  return [...page.matchAll(new RegExp(`name="${name}" value="([^"]*)"`, 'g'))].map((m) => (m[1] ?? '').replace(/&amp;/g, '&'));
}

beforeAll(async () => {
  fan = await fanoutHarness();
  const store = new DynamoEventStore({ client: makeDocumentClient({ endpoint: dynamoEndpoint() }), tableName: fan.table.tableName, retentionDays: 30 });
  receiver = await receiverHarness({ store });
  await send(failedJob, 'processing');
  await send(failedJob, 'failed', `, "bytes": ${BIG}`);
  await send(`done-${randomUUID()}`, 'completed');
  await drain();
  await takeAll(fan.sqs, fan.all.queueUrl);
  // A notification the fan-out parked (SNS refused it): the fault injected through the ledger, as in console.test.ts.
  await send(parkedJob, 'failed');
  const parked = (await new DynamoJobQueries({ client: fan.doc, tableName: fan.table.tableName }).history('contentor', parkedJob, parkedJob))[0];
  if (!parked) throw new Error('the parked event was not stored');
  await fan.ledger.markUndeliverable(parked, 'SNS refused the notification (InvalidParameter): Invalid parameter: Message', new Date().toISOString());

  // What `cdk deploy --outputs-file` writes: no endpoints; the region is the one in the topic ARNs.
  writeFileSync(
    outputsFile,
    JSON.stringify({
      JobWebhookReceiver: {
        ApiUrl: receiver.url,
        TableName: fan.table.tableName,
        SucceededTopicArn: fan.topics.succeeded,
        FailedTopicArn: fan.topics.failed,
        DeadLetterQueueUrl: fan.dlqUrl,
      },
    }),
  );
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    AWS_ENDPOINT_URL_DYNAMODB: dynamoEndpoint(),
    AWS_ENDPOINT_URL_SNS: snsEndpoint(),
    AWS_ENDPOINT_URL_SQS: snsEndpoint(),
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
  };
  for (const name of ['AWS_REGION', 'AWS_DEFAULT_REGION', 'DYNAMODB_ENDPOINT', 'SNS_ENDPOINT', 'LOCAL_OUTPUTS_FILE', 'LOCAL_STATE_DIR']) delete env[name];
  run = runInTerminal(tsx, [path.join(root, 'tools', 'console', 'main.ts'), '--outputs', outputsFile, '--port', '0'], { cwd: root, env });
  await waitFor(
    () => /console: \S+\n/.test(run.output()),
    'the console URL',
    60_000,
    () => run.output(),
  );
  const url = /console: (\S+)\n/.exec(run.output())?.[1] ?? '';
  base = new URL(url).origin;
  const opened = await fetch(url, { redirect: 'manual' });
  expect(opened.status).toBe(303);
  cookie = (opened.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
}, 120_000);

afterAll(async () => {
  if (run && run.child.exitCode === null) run.child.kill('SIGKILL');
  await receiver?.stop();
  await fan?.table.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the console against a deployed stack (outputs file without endpoints)', () => {
  it('prints exactly one line: the URL on 127.0.0.1 with its token', () => {
    const stdout = run
      .output()
      .split('\n')
      .filter((line) => line.startsWith('console: '));
    expect(stdout).toHaveLength(1);
    expect(stdout[0]).toMatch(/^console: http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}$/);
    expect(run.output()).toContain('the deployed stack');
  });

  it('reads the overview and a job page from the table, the 20-digit integer intact', async () => {
    const overview = await get('/');
    expect(overview.status).toBe(200);
    // One failed (the parked one is failed too) and one succeeded, as the table has them.
    expect(overview.text).toMatch(/href="\/jobs\?status=failed&amp;since=24h">2<\/a>/);
    expect(overview.text).toMatch(/href="\/jobs\?status=succeeded&amp;since=24h">1<\/a>/);
    expect(overview.text).toMatch(/href="\/notifications#parked">1<\/a>/);
    const job = await get(`/job?provider=contentor&partition=${failedJob}&job=${failedJob}`);
    expect(job.status).toBe(200);
    expect(job.text).toContain(`<span class="j-key">&quot;bytes&quot;</span>: <span class="j-number">${BIG}</span>`);
  });

  it('re-drives the parked notification through SNS: dry run, then execute', async () => {
    const page = await get('/notifications');
    expect(page.text).toContain(parkedJob);
    const csrf = hidden(page.text, 'csrf')[0] ?? '';
    const dryRun = await post('/notifications/dry-run', new URLSearchParams({ csrf }));
    expect(dryRun.status).toBe(200);
    expect(dryRun.text).toContain('1 notification would be published');
    const form = new URLSearchParams({ csrf, plan: hidden(dryRun.text, 'plan')[0] ?? '' });
    for (const id of hidden(dryRun.text, 'id')) form.append('id', id);
    const executed = await post('/notifications/redrive', form);
    expect(executed.text).toContain('Published 1, already notified meanwhile 0, failed 0.');
    const delivered = await takeAll(fan.sqs, fan.all.queueUrl);
    expect(delivered.map((d) => d.document.jobId)).toEqual([parkedJob]);
  });

  it('lists the quarantine, and says why a replay cannot run without the secret ARN', async () => {
    const page = await get('/quarantine');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Replay is not possible');
    expect(page.text).toContain('has no ProviderSecretArns or ContentorSecretArn');
  });

  it.each([
    [['--port', '99999'], '--port must be a whole number from 0 to 65535, got "99999"'],
    [['--prot', '1'], 'unknown option --prot (did you mean --port?)'],
  ])('exits 2 on a usage error, naming it: %j', (args, message) => {
    const out = spawnSync(tsx, [path.join(root, 'tools', 'console', 'main.ts'), ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(out.status).toBe(2);
    expect(out.stderr).toContain(message);
    expect(out.stderr).toContain('npm run console -- --help');
    expect(out.stdout).toBe('');
  });

  it('stops cleanly on SIGTERM', async () => {
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(run.output()).toContain('console stopped (SIGTERM)');
  });
});
