/**
 * The construct library as a team uses it: `npm pack` this package, install the tarball into a fresh CDK app that
 * depends only on aws-cdk-lib, constructs (and cdk-nag for its own checks), and synthesize a plain-JavaScript app
 * (test/fixtures/consumer-app/app.js) that composes two receivers with its own SQS queue on the failed topic and its
 * own Lambda reading the table, with cdk-nag as policy validation. The app needs neither esbuild nor TypeScript: the
 * functions come pre-bundled in the package.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');
const version = (name: string) => (JSON.parse(readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;

describe('the package as a construct library', () => {
  const work = mkdtempSync(path.join(tmpdir(), 'consumer-'));
  const app = path.join(work, 'app');
  let packed: { filename: string; files: Array<{ path: string }> };

  beforeAll(() => {
    // prepack builds dist/ (scripts/build-package.ts): compiled lib with declarations, pre-bundled functions.
    const out = execFileSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    packed = (JSON.parse(out.slice(out.indexOf('['))) as Array<typeof packed>)[0] as typeof packed;
    execFileSync('mkdir', ['-p', app]);
    writeFileSync(
      path.join(app, 'package.json'),
      JSON.stringify({
        name: 'team-platform',
        version: '1.0.0',
        private: true,
        dependencies: {
          'aws-cdk-lib': version('aws-cdk-lib'),
          constructs: version('constructs'),
          'cdk-nag': version('cdk-nag'),
          'job-webhook-receiver': `file:${path.join(work, packed.filename)}`,
        },
      }),
    );
    // The registry's cache from this repository's own install serves everything it can.
    execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: app, stdio: 'pipe' });
    copyFileSync(path.join(root, 'test/fixtures/consumer-app/app.js'), path.join(app, 'app.js'));
  }, 300_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('ships compiled JavaScript with declarations and the pre-bundled functions, and no sources', () => {
    const files = packed.files.map((f) => f.path);
    for (const name of ['receiver', 'fanout', 'watchdog']) expect(files).toContain(`dist/functions/${name}/index.js`);
    expect(files).toEqual(expect.arrayContaining(['dist/lib/index.js', 'dist/lib/index.d.ts', 'LICENSE', 'CHANGELOG.md', 'README.md', 'package.json']));
    expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
    expect(files.filter((f) => /^(test|local|tools|bin|bench)\//.test(f))).toEqual([]);
    const manifest = JSON.parse(readFileSync(path.join(app, 'node_modules/job-webhook-receiver/package.json'), 'utf8'));
    expect(manifest).toMatchObject({
      license: 'MIT',
      keywords: expect.arrayContaining(['awscdk']),
      peerDependencies: { 'aws-cdk-lib': expect.any(String), constructs: expect.any(String) },
    });
    expect(manifest.private).toBeUndefined();
  });

  it('synthesizes in an app with neither esbuild nor TypeScript, two receivers side by side, cdk-nag clean', () => {
    expect(existsSync(path.join(app, 'node_modules/esbuild'))).toBe(false);
    expect(existsSync(path.join(app, 'node_modules/typescript'))).toBe(false);
    const run = spawnSync(process.execPath, ['app.js'], { cwd: app, encoding: 'utf8', env: { ...process.env, OUT_DIR: path.join(app, 'cdk.out') } });
    // cdk-nag reports every unacknowledged finding here; the app acknowledges only its own reader's and queue's.
    expect(run.stderr + run.stdout).not.toMatch(/ERROR|Validation failed/);
    expect(run.status).toBe(0);
    const template = JSON.parse(readFileSync(path.join(app, 'cdk.out/TeamPlatform.template.json'), 'utf8')) as {
      Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
    };
    const resources = Object.values(template.Resources);
    const functions = resources.filter((r) => r.Type === 'AWS::Lambda::Function');
    // Three per receiver (receiver, fan-out, watchdog) from the package's bundles, plus the team's reader.
    expect(functions).toHaveLength(7);
    expect(functions.filter((f) => f.Properties.Runtime === 'nodejs24.x' && f.Properties.Handler === 'index.handler')).toHaveLength(7);
    expect(resources.filter((r) => r.Type === 'AWS::DynamoDB::Table')).toHaveLength(2);
    expect(resources.filter((r) => r.Type === 'AWS::SNS::Subscription' && r.Properties.Protocol === 'sqs')).toHaveLength(1);
    const readerPolicy = resources.find(
      (r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties).includes('dynamodb:Query') && JSON.stringify(r.Properties).includes('JobReader'),
    );
    expect(readerPolicy).toBeDefined();
  });
});
