import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseStallDeadlines } from '../../lambda/core/watchdog';
import type { JobWebhookReceiverProps } from '../../lib/job-webhook-receiver';
import {
  DeployConfigObject,
  configFromContext,
  ConfigError,
  contextKeys,
  isCdkContextKey,
  PANJAYA_DOCUMENTED_PUBLIC_KEY,
  parseDeployConfig,
  type ContextKey,
} from '../../lib/config';

const root = path.resolve(__dirname, '../..');
const pem = (key: ReturnType<typeof generateKeyPairSync>['publicKey']) => key.export({ type: 'spki', format: 'pem' }).toString();
const p256 = () => pem(generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey);

describe('deploy configuration', () => {
  it('fills every default when no context is given', () => {
    expect(parseDeployConfig({})).toEqual({
      alertEmails: [],
      panjayaPublicKeys: [PANJAYA_DOCUMENTED_PUBLIC_KEY],
      eventRetentionDays: 90,
      providers: {},
      retryWindowSeconds: 600,
      removalPolicy: 'retain',
      deletionProtection: true,
      throttleRateLimit: 50,
      throttleBurstLimit: 100,
      logRetentionDays: 30,
      maxBodyBytes: 262144,
      secretCacheTtlSeconds: 60,
      quarantineRetentionDays: 14,
      quarantineHourlyCap: 100,
      stallDeadlines: parseStallDeadlines(undefined),
      watchdogIntervalMinutes: 5,
      alertStatuses: ['failed', 'stalled'],
      alertsPerWindow: 10,
      alertWindowMinutes: 10,
    });
  });

  it('takes the retry window as retryWindowSeconds, or by its former name, never both', () => {
    expect(parseDeployConfig({ retryWindowSeconds: '30' }).retryWindowSeconds).toBe(30);
    expect(parseDeployConfig({ panjayaRetryWindowSeconds: '45' }).retryWindowSeconds).toBe(45);
    expect(parseDeployConfig({ panjayaRetryWindowSeconds: 0 }).retryWindowSeconds).toBe(0);
    expect(parseDeployConfig({ panjayaRetryWindowSeconds: 45 })).not.toHaveProperty('panjayaRetryWindowSeconds');
    expect(() => parseDeployConfig({ retryWindowSeconds: 30, panjayaRetryWindowSeconds: 30 })).toThrow(
      'panjayaRetryWindowSeconds is the former name of retryWindowSeconds: give retryWindowSeconds only',
    );
    expect(() => parseDeployConfig({ retryWindowSeconds: -1 })).toThrow('retryWindowSeconds must not be negative');
    expect(() => parseDeployConfig({ panjayaRetryWindowSeconds: 'soon' })).toThrow('panjayaRetryWindowSeconds must be a number of seconds');
  });

  it('accepts the string forms that `cdk -c key=value` produces', () => {
    const context: Partial<Record<ContextKey, string>> = {
      alertEmails: 'ops@example.com, oncall@example.org',
      slackWorkspaceId: 'T07ABCDEF12',
      slackChannelId: 'C07ABCDEF12',
      eventRetentionDays: '30',
      removalPolicy: 'destroy',
      deletionProtection: 'false',
      throttleRateLimit: '20',
      throttleBurstLimit: '40',
      logRetentionDays: '14',
      maxBodyBytes: '131072',
      secretCacheTtlSeconds: '300',
      alertStatuses: 'stalled, failed,succeeded,failed',
      alertsPerWindow: '0',
      alertWindowMinutes: '1440',
      teamsTenantId: '8f4b2c1e-0d3a-4e5f-9a6b-7c8d9e0f1a2b',
      teamsTeamId: '1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d',
      teamsChannelId: '19:b6ef35dc342d56ba5654e6fc6d25a071@thread.tacv2',
    };
    expect(configFromContext((key) => context[key])).toMatchObject({
      alertStatuses: ['succeeded', 'failed', 'stalled'],
      alertsPerWindow: 0,
      alertWindowMinutes: 1440,
      // URL-encoded, the only form AWS Chatbot takes.
      teamsChannelId: '19%3ab6ef35dc342d56ba5654e6fc6d25a071%40thread.tacv2',
      alertEmails: ['ops@example.com', 'oncall@example.org'],
      slackWorkspaceId: 'T07ABCDEF12',
      slackChannelId: 'C07ABCDEF12',
      eventRetentionDays: 30,
      removalPolicy: 'destroy',
      deletionProtection: false,
      throttleRateLimit: 20,
      throttleBurstLimit: 40,
      logRetentionDays: 14,
      maxBodyBytes: 131072,
      secretCacheTtlSeconds: 300,
    });
  });

  it('accepts cdk.json lists and several concatenated Panjaya keys', () => {
    const [a, b] = [p256(), p256()];
    const config = parseDeployConfig({ alertEmails: ['ops@example.com'], panjayaPublicKeys: `${a}\n${b}` });
    expect(config.alertEmails).toEqual(['ops@example.com']);
    expect(config.panjayaPublicKeys).toEqual([a.trim(), b.trim()]);
  });

  it('accepts Panjaya keys with literal \\n separators as typed on a command line', () => {
    const key = p256();
    expect(parseDeployConfig({ panjayaPublicKeys: key.trim().replace(/\n/g, '\\n') }).panjayaPublicKeys).toEqual([key.trim()]);
  });

  it('treats empty context values as unset', () => {
    expect(configFromContext(() => '').removalPolicy).toBe('retain');
  });

  const rsaKey = pem(generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey);
  const p384Key = pem(generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).publicKey);
  const bad: Array<[string, Record<string, unknown>, RegExp]> = [
    ['an invalid e-mail', { alertEmails: 'ops@example.com,not-an-email' }, /alertEmails: "not-an-email" is not a valid e-mail/],
    ['alertEmails of the wrong type', { alertEmails: 42 }, /alertEmails/],
    ['a Slack workspace without a channel', { slackWorkspaceId: 'T07ABCDEF12' }, /slackWorkspaceId and slackChannelId: set both/],
    ['a Slack channel without a workspace', { slackChannelId: 'C07ABCDEF12' }, /slackWorkspaceId and slackChannelId/],
    ['a malformed workspace id', { slackWorkspaceId: 'workspace', slackChannelId: 'C07ABCDEF12' }, /slackWorkspaceId must look like/],
    ['a malformed channel id', { slackWorkspaceId: 'T07ABCDEF12', slackChannelId: '#alerts' }, /slackChannelId must look like/],
    ['a malformed PEM', { panjayaPublicKeys: '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----' }, /panjayaPublicKeys: key #1 is a malformed PEM/],
    ['text that is no key', { panjayaPublicKeys: 'ssh-ed25519 AAAA' }, /panjayaPublicKeys: key #1 is neither a PEM block nor a base64 SPKI body/],
    ['base64 that is no public key', { panjayaPublicKeys: 'AAAA' }, /panjayaPublicKeys: key #1 is not a valid base64 SPKI public key/],
    [
      'a PEM cut after its first line, as the CDK CLI does',
      { panjayaPublicKeys: '-----BEGIN PUBLIC KEY-----' },
      /without its END line \(the CDK CLI passes only the first line .*panjayaPublicKeysFile/,
    ],
    ['a missing key file', { panjayaPublicKeysFile: 'no-such-keys.pem' }, /panjayaPublicKeysFile: cannot read "no-such-keys.pem" \(ENOENT\)/],
    [
      'providers cut after their first line, as the CDK CLI does',
      { providers: '{' },
      /providers: not valid JSON.*only the first line of a multi-line -c value.*tr -d/,
    ],
    ['an RSA key', { panjayaPublicKeys: rsaKey }, /panjayaPublicKeys: key #1 is rsa, expected an EC P-256/],
    ['a P-384 key as the second key', { panjayaPublicKeys: `${p256()}${p384Key}` }, /panjayaPublicKeys: key #2 is ec \(secp384r1\)/],
    ['a negative retention', { eventRetentionDays: '-1' }, /eventRetentionDays must be positive/],
    ['a fractional retention', { eventRetentionDays: 1.5 }, /eventRetentionDays must be a whole number/],
    ['a non-numeric retention', { eventRetentionDays: 'forever' }, /eventRetentionDays must be a number/],
    ['an unknown removal policy', { removalPolicy: 'snapshot' }, /removalPolicy must be "retain" or "destroy"/],
    ['a non-boolean deletion protection', { deletionProtection: 'yes' }, /deletionProtection must be true or false/],
    ['a zero rate limit', { throttleRateLimit: 0 }, /throttleRateLimit must be positive/],
    ['a burst below the rate', { throttleRateLimit: 100, throttleBurstLimit: 10 }, /throttleBurstLimit must be at least throttleRateLimit/],
    ['a log retention CloudWatch does not offer', { logRetentionDays: 8 }, /logRetentionDays must be one of CloudWatch's values/],
    ['a negative body limit', { maxBodyBytes: -5 }, /maxBodyBytes must be positive/],
    ['a zero secret cache TTL', { secretCacheTtlSeconds: 0 }, /secretCacheTtlSeconds must be positive/],
    ['an unknown key', { alertEmail: 'ops@example.com' }, /unknown context key alertEmail \(did you mean alertEmails\?\)/],
    [
      'a status that never alerts',
      { alertStatuses: 'failed,in_progress' },
      /alertStatuses: "in_progress" is not a status that alerts; use any of succeeded, failed, stalled/,
    ],
    ['no alert status', { alertStatuses: ' , ' }, /alertStatuses must name at least one of succeeded, failed, stalled/],
    ['a negative alert budget', { alertsPerWindow: '-1' }, /alertsPerWindow must not be negative/],
    ['a fractional alert budget', { alertsPerWindow: 2.5 }, /alertsPerWindow must be a whole number/],
    ['a zero alert window', { alertWindowMinutes: 0 }, /alertWindowMinutes must be positive/],
    ['an alert window over a day', { alertWindowMinutes: 1441 }, /alertWindowMinutes must be at most 1440/],
    [
      'a malformed Slack configuration ARN',
      { slackChannelConfigurationArn: 'arn:aws:chatbot::123456789012:ops' },
      /slackChannelConfigurationArn must be the ARN of an existing AWS Chatbot Slack channel configuration/,
    ],
    [
      'a Teams ARN given as the Slack configuration',
      { slackChannelConfigurationArn: 'arn:aws:chatbot::123456789012:chat-configuration/microsoft-teams-channel/ops' },
      /slackChannelConfigurationArn must be the ARN/,
    ],
    [
      'an existing Slack configuration and new Slack ids',
      {
        slackChannelConfigurationArn: 'arn:aws:chatbot::123456789012:chat-configuration/slack-channel/ops',
        slackWorkspaceId: 'T07ABCDEF12',
        slackChannelId: 'C07ABCDEF12',
      },
      /slackChannelConfigurationArn and slackWorkspaceId\/slackChannelId: give the existing configuration's ARN .* or the workspace and channel ids .*, not both/,
    ],
    [
      'a malformed Teams tenant id',
      { teamsTenantId: 'contoso', teamsTeamId: '1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d', teamsChannelId: '19:a@thread.tacv2' },
      /teamsTenantId must be a GUID/,
    ],
    [
      'a malformed Teams channel id',
      { teamsTenantId: '8f4b2c1e-0d3a-4e5f-9a6b-7c8d9e0f1a2b', teamsTeamId: '1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d', teamsChannelId: 'General' },
      /teamsChannelId must look like 19:/,
    ],
    [
      'a Teams channel without its tenant and team',
      { teamsChannelId: '19:a@thread.tacv2' },
      /teamsTenantId, teamsTeamId and teamsChannelId: set all three .* or none; missing teamsTenantId, teamsTeamId/,
    ],
    [
      'an existing Teams configuration and new Teams ids',
      {
        teamsChannelConfigurationArn: 'arn:aws:chatbot::123456789012:chat-configuration/microsoft-teams-channel/ops',
        teamsTenantId: '8f4b2c1e-0d3a-4e5f-9a6b-7c8d9e0f1a2b',
        teamsTeamId: '1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d',
        teamsChannelId: '19:a@thread.tacv2',
      },
      /teamsChannelConfigurationArn and teamsTenantId\/teamsTeamId\/teamsChannelId: .*not both/,
    ],
  ];

  it.each(bad)('rejects %s, naming the key', (_name, input, message) => {
    expect(() => parseDeployConfig(input)).toThrow(ConfigError);
    expect(() => parseDeployConfig(input)).toThrow(message);
  });

  it('reports every bad key at once', () => {
    expect(() => parseDeployConfig({ eventRetentionDays: 0, removalPolicy: 'x' })).toThrow(
      /eventRetentionDays[\s\S]*removalPolicy|removalPolicy[\s\S]*eventRetentionDays/,
    );
  });
});

describe('unknown context keys', () => {
  const cdkKeys = [
    '@aws-cdk/core:target-partitions',
    'aws:cdk:bundling-stacks',
    'availability-zones:account=123:region=eu-west-1',
    'cli-telemetry',
    'acknowledged-issue-numbers',
    'aws-cdk:enableDiffNoFail',
    'cdk-version',
  ];

  it('offers every context key as a typed prop of the construct (this file does not compile otherwise)', () => {
    const missing: Record<Exclude<ContextKey, keyof JobWebhookReceiverProps>, never> = {};
    expect(missing).toEqual({});
  });

  it('derives the known keys from the schema (a key added there is known without another list)', () => {
    expect([...contextKeys].sort()).toEqual(Object.keys(DeployConfigObject.shape).sort());
    expect(contextKeys).toContain('alertEmails');
  });

  it('fails for a misspelled key of ours, naming the closest valid key', () => {
    const context: Record<string, unknown> = { alertEmailz: 'a@b.com' };
    expect(() => configFromContext((key) => context[key], Object.keys(context))).toThrow(/unknown context key alertEmailz \(did you mean alertEmails\?\)/);
  });

  it('ignores CDK feature flags, CLI settings and lookup keys', () => {
    expect(() => configFromContext(() => undefined, cdkKeys)).not.toThrow();
    expect(cdkKeys.every(isCdkContextKey)).toBe(true);
  });

  it('reports an unknown key together with a bad value of a known one', () => {
    const context: Record<string, unknown> = { removalPolicy: 'x', slackChanelId: 'C07ABCDEF12' };
    expect(() => configFromContext((key) => context[key], Object.keys(context))).toThrow(
      /slackChanelId \(did you mean slackChannelId\?\)[\s\S]*removalPolicy must be/,
    );
  });

  it('suggests the closest key for an unknown prop of the construct too', () => {
    expect(() => parseDeployConfig({ eventRetentionDay: 30 })).toThrow(/unknown context key eventRetentionDay \(did you mean eventRetentionDays\?\)/);
  });

  it('stops synth of the app (bin/app.ts) with the message the README quotes', () => {
    const out = spawnSync(path.join(root, 'node_modules', '.bin', 'tsx'), [path.join(root, 'bin', 'app.ts')], {
      cwd: root,
      encoding: 'utf8',
      // How the CDK CLI hands `-c alertEmailz=a@b.com` and cdk.json's context to the app.
      env: {
        ...process.env,
        CDK_CONTEXT_JSON: JSON.stringify({ 'cli-telemetry': false, alertEmailz: 'a@b.com' }),
        CDK_OUTDIR: mkdtempSync(path.join(tmpdir(), 'synth-')),
      },
      timeout: 60_000,
    });
    expect(out.status).toBe(1);
    expect(out.stderr).toContain('Invalid deploy configuration (cdk.json context or -c):');
    expect(out.stderr).toContain('unknown context key alertEmailz (did you mean alertEmails?)');
  });
});

describe('body limit', () => {
  it('refuses a maxBodyBytes larger than one DynamoDB item can hold, saying why', () => {
    expect(parseDeployConfig({ maxBodyBytes: 360_000 }).maxBodyBytes).toBe(360_000);
    expect(() => parseDeployConfig({ maxBodyBytes: 360_001 })).toThrow(/maxBodyBytes must be at most 360000: .*400 KB/);
  });
});

describe('Panjaya keys in a form the CDK CLI carries', () => {
  const body = (pemText: string) =>
    pemText
      .split('\n')
      .filter((line) => line.length > 0 && !line.startsWith('-----'))
      .join('');
  const scratch = mkdtempSync(path.join(tmpdir(), 'panjaya-keys-'));

  it('takes single-line base64 SPKI bodies, comma-separated, and gives them back as PEM', () => {
    const [a, b] = [p256(), p256()];
    expect(parseDeployConfig({ panjayaPublicKeys: `${body(a)},${body(b)}` }).panjayaPublicKeys).toEqual([a.trim(), b.trim()]);
  });

  it('takes a file of concatenated PEM keys, relative to the working directory', () => {
    const [a, b] = [p256(), p256()];
    const file = path.join(scratch, 'keys.pem');
    writeFileSync(file, `${a}${b}`);
    expect(parseDeployConfig({ panjayaPublicKeysFile: path.relative(process.cwd(), file) }).panjayaPublicKeys).toEqual([a.trim(), b.trim()]);
  });

  it('trusts the keys of both options, each once', () => {
    const [a, b] = [p256(), p256()];
    const file = path.join(scratch, 'both.pem');
    writeFileSync(file, `${a}${b}`);
    expect(parseDeployConfig({ panjayaPublicKeysFile: file, panjayaPublicKeys: body(b) }).panjayaPublicKeys).toEqual([b.trim(), a.trim()]);
  });

  it('refuses a key file without a key, and a P-384 key in it, naming the option', () => {
    const empty = path.join(scratch, 'empty.pem');
    writeFileSync(empty, 'no keys here\n');
    expect(() => parseDeployConfig({ panjayaPublicKeysFile: empty })).toThrow(/panjayaPublicKeysFile: no "-----BEGIN PUBLIC KEY-----" block/);
    const p384 = path.join(scratch, 'p384.pem');
    writeFileSync(p384, pem(generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).publicKey));
    expect(() => parseDeployConfig({ panjayaPublicKeysFile: p384 })).toThrow(/panjayaPublicKeysFile: key #1 is ec \(secp384r1\), expected an EC P-256/);
  });
});

describe('configuration reference (README)', () => {
  it('lists every context key, and only those', () => {
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    const start = readme.indexOf('### Configuration reference');
    const table = readme.slice(start, readme.indexOf('\n### ', start + 1));
    const listed = [...table.matchAll(/^\| ([^|]+) \|/gm)].flatMap((row) => [...(row[1] ?? '').matchAll(/`([A-Za-z]+)`/g)].map((m) => m[1]));
    expect([...new Set(listed)].sort()).toEqual([...contextKeys].sort());
  });
});
