/**
 * A new built-in provider is its module plus its line in providers/built-in.ts (an import and its entry in the list),
 * and nothing else: this test copies the repository, adds a made-up provider with a signature scheme of its own
 * (test/fixtures/fake-builtin/signet.module.txt: HMAC-SHA512 over `<seconds>.<body>`, shared secrets) and registers it,
 * checks git sees exactly those two files changed, and then runs every host of the copy as a user would: the type checker; `cdk synth` through bin/app.ts with
 * cdk-nag and the guard rules (its secret, the receiver's environment and permission, its output); `npm start`;
 * `send` signing its deliveries; `jobs` reading them; a delivery signed with a secret the stack does not trust yet,
 * quarantined, then `replay --execute` after a restart that trusts it; and the notifications the local stack prints.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli, projectRoot, spawnLocalStack, type StackProcess } from '../helpers/local-stack-process';

const work = mkdtempSync(path.join(tmpdir(), 'fake-builtin-'));
const copy = path.join(work, 'repo');
const stateDir = path.join(work, 'state');
const outputsFile = path.join(stateDir, 'outputs.json');
const registry = 'lambda/core/providers/built-in.ts';

const git = (...args: string[]) => {
  const out = spawnSync('git', ['-c', 'user.email=test@example.com', '-c', 'user.name=test', ...args], { cwd: copy, encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`git ${args.join(' ')}: ${out.stderr}`);
  return out.stdout;
};

/** The repository's files as git knows them (what a clone has), with this checkout's node_modules linked in. */
function copyRepository(): void {
  const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: projectRoot, encoding: 'utf8' });
  if (listed.status !== 0) throw new Error(`git ls-files: ${listed.stderr}`);
  for (const file of listed.stdout.split('\0').filter(Boolean)) {
    const from = path.join(projectRoot, file);
    if (!existsSync(from)) continue; // deleted in the working tree
    mkdirSync(path.dirname(path.join(copy, file)), { recursive: true });
    cpSync(from, path.join(copy, file));
  }
  symlinkSync(realpathSync(path.join(projectRoot, 'node_modules')), path.join(copy, 'node_modules'));
  git('init', '-q');
  git('add', '-A');
  git('commit', '-qm', 'copy');
}

/** The new provider: its module, its import and its place in the registry's list. */
function addSignet(): void {
  writeFileSync(path.join(copy, 'lambda/core/providers/signet.ts'), readFileSync(path.join(__dirname, '../fixtures/fake-builtin/signet.module.txt')));
  const file = path.join(copy, registry);
  const text = readFileSync(file, 'utf8');
  const list = 'export const builtInProviders: readonly ProviderModule[] = [';
  const anImport = "import { panjaya } from './panjaya';";
  if (!text.includes(list) || !text.includes(anImport)) throw new Error(`${registry} no longer has the lines this test extends`);
  writeFileSync(file, text.replace(anImport, `${anImport}\nimport { signet } from './signet';`).replace(list, `${list}signet as ProviderModule, `));
}

let stack: StackProcess | undefined;
const stackEnv = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = { ...process.env, LOCAL_STATE_DIR: stateDir, PORT: '0', LOCAL_STREAM_POLL_MS: '100', ...extra };
  delete env.LOCAL_OUTPUTS_FILE;
  return env;
};
const cli = (script: string, args: string[], env: NodeJS.ProcessEnv) => runCli(script, args, env, 90_000, copy);

async function start(env: NodeJS.ProcessEnv): Promise<StackProcess> {
  rmSync(outputsFile, { force: true });
  const started = spawnLocalStack(env, 90_000, copy);
  stack = started;
  await started.waitFor(() => existsSync(outputsFile), 'the outputs file');
  return started;
}

async function stop(): Promise<void> {
  const running = stack?.child;
  if (!running || running.exitCode !== null) return;
  running.kill('SIGTERM');
  await stack?.waitFor(() => running.exitCode !== null, 'the stack to stop', 30_000);
}

beforeAll(() => {
  copyRepository();
  addSignet();
}, 120_000);

afterAll(async () => {
  if (stack && stack.child.exitCode === null) stack.child.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
});

it('touches only its module and the registry (its import and its entry in the list)', () => {
  expect(git('status', '--porcelain').split('\n').filter(Boolean).sort()).toEqual([` M ${registry}`, '?? lambda/core/providers/signet.ts']);
  expect(git('diff', '--numstat')).toBe(`2\t1\t${registry}\n`);
});

it('type-checks with every typed host (receiver, construct, local stack, tools)', () => {
  const out = spawnSync(path.join(copy, 'node_modules/.bin/tsc'), ['--noEmit', '-p', 'tsconfig.json'], { cwd: copy, encoding: 'utf8' });
  expect(out.stdout + out.stderr).toBe('');
  expect(out.status).toBe(0);
}, 300_000);

it('deploys: its own secret, the receiver reads it by ARN, the ARN is an output; cdk-nag and the guard rules pass', () => {
  const outdir = path.join(work, 'cdk.out');
  const out = spawnSync(path.join(copy, 'node_modules/.bin/cdk'), ['synth', '--quiet', '-o', outdir], {
    cwd: copy,
    encoding: 'utf8',
    env: { ...process.env, CDK_DISABLE_VERSION_CHECK: '1', CI: 'true' },
  });
  expect({ status: out.status, stderr: out.status === 0 ? '' : out.stderr }).toEqual({ status: 0, stderr: '' });
  expect(out.stderr).toContain('policy checks passed');
  type Resource = { Type: string; Properties: Record<string, unknown> };
  const template = JSON.parse(readFileSync(path.join(outdir, 'JobWebhookReceiver.template.json'), 'utf8')) as {
    Resources: Record<string, Resource>;
    Outputs: Record<string, { Value: unknown }>;
  };
  const secretId = Object.keys(template.Resources).find((id) => id.startsWith('ReceiverSignetSecret'));
  expect(template.Resources[secretId ?? '']?.Type).toBe('AWS::SecretsManager::Secret');
  const ref = { Ref: secretId };
  const receiver = Object.values(template.Resources).find(
    (r) => r.Type === 'AWS::Lambda::Function' && JSON.stringify(r.Properties).includes('"POWERTOOLS_SERVICE_NAME":"receiver"'),
  );
  const variables = (receiver?.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
  expect(JSON.stringify(variables.PROVIDER_SECRET_ARNS)).toContain(`"signet\\":\\"",${JSON.stringify(ref)}`);
  const grants = Object.values(template.Resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy')
    .flatMap((p) => (p.Properties.PolicyDocument as { Statement: Array<{ Action: unknown; Resource: unknown }> }).Statement)
    .filter((s) => s.Action === 'secretsmanager:GetSecretValue');
  expect(grants.flatMap((s) => s.Resource as unknown[])).toContainEqual(ref);
  expect(JSON.stringify(template.Outputs.ProviderSecretArns?.Value)).toContain(`"signet\\":\\"",${JSON.stringify(ref)}`);
}, 600_000);

it('runs locally: send signs it, the receiver verifies it, jobs reads it, a refused one replays, people and systems are told', async () => {
  const running = await start(stackEnv());
  const job = `job-${randomUUID().slice(0, 8)}`;
  const sent = cli('send.ts', ['signet', 'broken', '--job', job], stackEnv());
  expect(sent.stdout).toContain(`job: signet ${job}`);
  expect(sent.stdout).toMatch(/→ 200/);
  const got = cli('jobs.ts', ['get', 'signet', job, '--json'], stackEnv());
  expect(JSON.parse(got.stdout)).toMatchObject({ provider: 'signet', jobId: job, status: 'failed', eventType: 'broken' });
  // The systems' document and the people's alert, both in the provider's own words.
  await running.waitFor(() => running.output().includes(`Signet job ${job} broke`), 'the notification of the failed job', 60_000);

  // Signed with a secret the stack does not trust yet: 401, quarantined; trusted after a restart, then replayed.
  const rotated = `rotated-${randomUUID()}`;
  const late = `job-${randomUUID().slice(0, 8)}`;
  const refused = cli('send.ts', ['signet', 'done', '--job', late, '--secret', rotated], stackEnv());
  expect(refused.stdout).toMatch(/→ 401/);
  const listed = JSON.parse(cli('replay.ts', ['list', '--provider', 'signet', '--json'], stackEnv()).stdout) as Array<{ provider: string; reason: string }>;
  expect(listed).toEqual([expect.objectContaining({ provider: 'signet', reason: 'invalid_signature' })]);
  await stop();

  const trusting = stackEnv({ LOCAL_PROVIDER_SECRETS: JSON.stringify({ signet: [rotated] }) });
  const restarted = await start(trusting);
  // Replay verifies at the original receive time, so the scheme's 5-minute tolerance still holds.
  const replayed = JSON.parse(cli('replay.ts', ['run', '--execute', '--json'], trusting).stdout) as Record<string, unknown>;
  expect(replayed).toMatchObject({ executed: true, matched: 1, accepted: 1, rejected: 0 });
  expect(JSON.parse(cli('jobs.ts', ['get', 'signet', late, '--json'], trusting).stdout)).toMatchObject({ status: 'succeeded' });
  await restarted.waitFor(() => restarted.output().includes(`Signet job ${late} is done`), 'the notification of the replayed job', 60_000);
  await stop();
}, 600_000);
