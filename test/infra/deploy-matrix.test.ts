/**
 * Every deploy command the README shows, run as a user runs it: the README's own shell lines, through the real CDK CLI
 * (`cdk synth`, which `cdk deploy` runs first: bin/app.ts with cdk-nag and the Control Tower guard rules), in a
 * directory that looks like a checkout (cdk.json, the sources, examples/, and the key files the commands read). Each template then
 * passes cfn-lint. A README example without a row here, or a context key that no example uses, fails; one more row
 * plants an unacknowledged finding and expects synth to fail, so the policy checks are proven to run.
 */
import { spawn, spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { envNames, outputNames, STACK_ID } from '../../lambda/contracts';
import { type ContextKey, contextKeys } from '../../lib/config';

const root = path.resolve(__dirname, '..', '..');
/** What a checkout holds that `cdk synth` reads (cdk.json's app is `npx tsx bin/app.ts`). */
const checkoutEntries = ['cdk.json', 'bin', 'lib', 'lambda', 'examples', 'node_modules', 'package.json', 'package-lock.json', 'tsconfig.json'];
const POLICY_LINE = 'policy checks passed: cdk-nag AwsSolutions, AWS Control Tower guard rules';

/** Keys that replace others of the every-option example (an existing Chatbot configuration instead of new ids; a former name). */
const alternatives: readonly ContextKey[] = ['slackChannelConfigurationArn', 'teamsChannelConfigurationArn', 'panjayaRetryWindowSeconds'];

type Template = { Resources: Record<string, { Type: string; Properties?: Record<string, unknown>; DeletionPolicy?: string }>; Outputs?: object };
interface Row {
  readonly name: string;
  /** The context keys its README example sets: how an example is matched to its row. */
  readonly keys: readonly ContextKey[];
  /** What the template must show, so the configuration is known to have reached the app whole. */
  readonly check: (template: Template) => void;
}

const ofType = (t: Template, type: string) => Object.values(t.Resources).filter((r) => r.Type === type);
const envOf = (t: Template, service: string) =>
  (
    ofType(t, 'AWS::Lambda::Function').find(
      (fn) => (fn.Properties?.Environment as { Variables: Record<string, unknown> }).Variables.POWERTOOLS_SERVICE_NAME === service,
    )?.Properties?.Environment as { Variables: Record<string, unknown> }
  ).Variables;

// Keys for the Panjaya rows: generated here, written as the README's PEM files.
const pemOf = () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
const panjayaCurrent = pemOf();
const panjayaNext = pemOf();

const rows: readonly Row[] = [
  {
    name: 'defaults',
    keys: [],
    check: (t) => expect(ofType(t, 'AWS::SNS::Subscription')).toHaveLength(0),
  },
  {
    name: 'e-mail',
    keys: ['alertEmails'],
    check: (t) => expect(ofType(t, 'AWS::SNS::Subscription')).toHaveLength(4),
  },
  {
    name: 'Slack',
    keys: ['slackWorkspaceId', 'slackChannelId'],
    check: (t) => expect(ofType(t, 'AWS::Chatbot::SlackChannelConfiguration')).toHaveLength(1),
  },
  {
    name: 'Slack with an existing Chatbot configuration',
    keys: ['slackChannelConfigurationArn'],
    check: (t) => expect(ofType(t, 'AWS::Chatbot::SlackChannelConfiguration')).toHaveLength(0),
  },
  {
    name: 'Microsoft Teams',
    keys: ['teamsTenantId', 'teamsTeamId', 'teamsChannelId'],
    check: (t) => expect(ofType(t, 'AWS::Chatbot::MicrosoftTeamsChannelConfiguration')).toHaveLength(1),
  },
  {
    name: 'Microsoft Teams with an existing Chatbot configuration',
    keys: ['teamsChannelConfigurationArn'],
    check: (t) => expect(ofType(t, 'AWS::Chatbot::MicrosoftTeamsChannelConfiguration')).toHaveLength(0),
  },
  {
    name: 'the configured-provider example',
    keys: ['providers'],
    check: (t) => {
      expect(t.Outputs).toHaveProperty(outputNames.providerSecretArns);
      // The shipped example, several lines long as users keep such files: the README's command carries it whole.
      const shipped = readFileSync(path.join(root, 'examples', 'providers.json'), 'utf8');
      expect(shipped.split('\n').length).toBeGreaterThan(2);
      expect(ofType(t, 'AWS::SecretsManager::Secret')).toHaveLength(1 + Object.keys(JSON.parse(shipped)).length);
    },
  },
  {
    name: 'several Panjaya keys',
    keys: ['panjayaPublicKeysFile'],
    check: (t) => expect(envOf(t, 'receiver').PANJAYA_PUBLIC_KEYS).toBe(`${panjayaCurrent.trim()}\n${panjayaNext.trim()}`),
  },
  {
    name: 'the retry window by its former name',
    keys: ['panjayaRetryWindowSeconds'],
    check: (t) => expect(envOf(t, 'receiver')[envNames.retryWindowSeconds]).toBe('900'),
  },
  {
    name: 'removal policy destroy',
    keys: ['removalPolicy', 'deletionProtection'],
    check: (t) => expect(ofType(t, 'AWS::DynamoDB::Table')[0]?.DeletionPolicy).toBe('Delete'),
  },
  {
    name: 'stall deadlines and the sweep interval (README "Stalled jobs")',
    keys: ['stallDeadlines', 'watchdogIntervalMinutes'],
    check: (t) => {
      expect(ofType(t, 'AWS::Events::Rule').map((r) => r.Properties?.ScheduleExpression)).toContain('rate(10 minutes)');
      expect(JSON.parse(String(envOf(t, 'watchdog')[envNames.stallDeadlines])).panjaya.version_ready).toBeNull();
    },
  },
  {
    name: 'every option of the configuration reference at once',
    keys: contextKeys.filter((key) => !alternatives.includes(key)),
    check: (t) => {
      expect(ofType(t, 'AWS::Chatbot::SlackChannelConfiguration')).toHaveLength(1);
      expect(ofType(t, 'AWS::Chatbot::MicrosoftTeamsChannelConfiguration')).toHaveLength(1);
      // Two keys from the file, one base64 body on the command line (the documented key).
      expect(String(envOf(t, 'receiver').PANJAYA_PUBLIC_KEYS).match(/BEGIN PUBLIC KEY/g)).toHaveLength(3);
      expect(envOf(t, 'fanout')[envNames.alertStatuses]).toBe('succeeded,failed,stalled');
    },
  },
];

/** One README deploy example: its shell lines (continuations joined) and the context keys it sets. */
interface Example {
  readonly script: string;
  readonly keys: readonly string[];
}

/** Every ```bash block of the README that runs `npx cdk deploy`/`synth`, as a script without the one-off setup lines. */
function readmeExamples(): Example[] {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/```bash\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
  return blocks
    .filter((block) => /^npx cdk (deploy|synth)\b/m.test(block))
    .map((block) => {
      const lines = block
        .replace(/\\\n\s*/g, '')
        .split('\n')
        .map((line) => line.replace(/\s+#.*$/, '').trim())
        .filter((line) => line.length > 0 && line !== 'npm ci' && !line.startsWith('npx cdk bootstrap'));
      const keys = [...new Set([...lines.join('\n').matchAll(/-c ([A-Za-z]+)=/g)].map((m) => m[1] ?? ''))].sort();
      return { script: lines.join('\n'), keys };
    });
}

const sameKeys = (a: readonly string[], b: readonly string[]) => JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());

/** A directory that looks like a checkout, with the files the README's commands read. */
function sandbox(base: string, name: string): string {
  const dir = path.join(base, name.replace(/[^a-z0-9]+/gi, '-'));
  mkdirSync(dir, { recursive: true });
  for (const entry of checkoutEntries) symlinkSync(path.join(root, entry), path.join(dir, entry));
  writeFileSync(path.join(dir, 'panjaya-current.pem'), panjayaCurrent);
  writeFileSync(path.join(dir, 'panjaya-next.pem'), panjayaNext);
  writeFileSync(path.join(dir, 'panjaya-keys.pem'), panjayaCurrent + panjayaNext);
  return dir;
}

interface Run {
  readonly status: number | null;
  readonly stderr: string;
  readonly outdir: string;
}

/** Runs a bash script in `cwd` as a user's shell would (no jest NODE_ENV: the CDK then reports as under the CLI). */
function runScript(script: string, cwd: string, outdir: string): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, CDK_MATRIX_OUT: outdir };
  delete env.NODE_ENV;
  return new Promise((resolve) => {
    const child = spawn('bash', ['-eo', 'pipefail', '-c', script], { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('close', (status) => resolve({ status, stderr, outdir }));
  });
}

/** `npx cdk deploy --outputs-file outputs.json` → the synth it starts with, into `$CDK_MATRIX_OUT`. */
const asSynth = (script: string) => script.replace(/npx cdk deploy(?: --outputs-file \S+)?/g, 'npx cdk synth --quiet -o "$CDK_MATRIX_OUT"');

/** At most this many synths at once: each is a Node process busy for seconds (the machine has two cores). */
async function pool<T>(tasks: Array<() => Promise<T>>, size: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await (tasks[index] as () => Promise<T>)();
    }
  };
  await Promise.all(Array.from({ length: Math.min(size, tasks.length) }, worker));
  return results;
}

const base = mkdtempSync(path.join(tmpdir(), 'deploy-matrix-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('README deploy examples and the matrix', () => {
  const examples = readmeExamples();

  it('has a matrix row for every README deploy example, and a README example for every row', () => {
    const unmatched = examples.filter((e) => !rows.some((r) => sameKeys(r.keys, e.keys))).map((e) => e.keys.join(',') || '(no -c)');
    expect(unmatched).toEqual([]);
    const undocumented = rows.filter((r) => !examples.some((e) => sameKeys(r.keys, e.keys))).map((r) => r.name);
    expect(undocumented).toEqual([]);
    expect(examples).toHaveLength(rows.length);
  });

  it('uses every context key in some example, and all but the alternatives in the every-option one', () => {
    const used = new Set(examples.flatMap((e) => e.keys));
    expect(contextKeys.filter((key) => !used.has(key))).toEqual([]);
    for (const key of alternatives) expect(contextKeys).toContain(key);
  });
});

describe('deploy matrix: the real CDK CLI with cdk-nag and the guard rules, then cfn-lint', () => {
  let results: Map<string, Run>;
  let planted: Run;
  let lint: { status: number | null; templates: number; findings: Array<{ Level: string; Rule: { Id: string }; Filename: string; Message: string }> };

  beforeAll(async () => {
    const examples = readmeExamples();
    const tasks = rows.map((row) => async () => {
      const example = examples.find((e) => sameKeys(row.keys, e.keys));
      if (!example) throw new Error(`no README example for ${row.name}`);
      const outdir = path.join(base, 'out', row.name.replace(/[^a-z0-9]+/gi, '-'));
      return [row.name, await runScript(asSynth(example.script), sandbox(base, row.name), outdir)] as const;
    });
    // The planted finding: bin/app.ts plus a queue nobody acknowledged; only its stack is selected, so the receiver
    // stack is built and checked but not bundled.
    const plantedTask = async () => {
      const app = `npx tsx ${path.join(root, 'test', 'fixtures', 'planted-finding-app.ts')}`;
      const outdir = path.join(base, 'out', 'planted');
      return [
        'planted',
        await runScript(`npx cdk synth PlantedFinding --app '${app}' --quiet -o "$CDK_MATRIX_OUT"`, sandbox(base, 'planted'), outdir),
      ] as const;
    };
    const all = await pool([plantedTask, ...tasks], Math.max(1, Math.min(2, availableParallelism())));
    results = new Map(all);
    planted = results.get('planted') as Run;

    const templates = rows.map((row) => path.join((results.get(row.name) as Run).outdir, `${STACK_ID}.template.json`)).filter((t) => existsSync(t));
    const linted = spawnSync('cfn-lint', ['--format', 'json', '--', ...templates], { encoding: 'utf8' });
    if (linted.error) throw new Error(`cfn-lint is needed for this test (pip install cfn-lint): ${linted.error.message}`);
    lint = { status: linted.status, templates: templates.length, findings: JSON.parse(linted.stdout || '[]') };
    // About 13 CPU-seconds per synth (bundling, cdk-nag, the guard rules, CDK's own template validation): a minute and
    // a half on two idle cores; the bound is for a machine shared with other test runs, not a performance claim.
  }, 1_800_000);

  it.each(rows.map((row) => [row.name, row] as const))('%s: synthesizes, and says the policy checks ran and passed', (name, row) => {
    const run = results.get(name) as Run;
    expect({ status: run.status, stderr: run.status === 0 ? '' : run.stderr }).toEqual({ status: 0, stderr: '' });
    expect(run.stderr).toContain(POLICY_LINE);
    const template = JSON.parse(readFileSync(path.join(run.outdir, `${STACK_ID}.template.json`), 'utf8')) as Template;
    row.check(template);
  });

  it('fails synth for a finding nobody acknowledged, naming cdk-nag and Control Tower rules, and does not claim a pass', () => {
    expect(planted.status).not.toBe(0);
    expect(planted.stderr).toMatch(/AwsSolutions-SQS[234]/);
    expect(planted.stderr).toMatch(/CT\.SQS\.PR\.1/);
    expect(planted.stderr).toContain('PlantedFinding/QueueNobodyAcknowledged');
    expect(planted.stderr).not.toContain(POLICY_LINE);
  });

  it('finds no cfn-lint error in any template', () => {
    expect(lint.findings.filter((f) => f.Level === 'Error').map((f) => `${f.Rule.Id} ${f.Filename}: ${f.Message}`)).toEqual([]);
    // cfn-lint's exit code is a bit mask: 2 means errors (4 warnings, 8 informational).
    expect((lint.status ?? 2) & 2).toBe(0);
    expect(lint.templates).toBe(rows.length);
  });
});
