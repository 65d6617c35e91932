/**
 * AWS Control Tower guard rules (cfn-guard, @cdklabs/cdk-validator-cfnguard) on the synthesized template, as
 * bin/app.ts runs them at synth: no finding left unacknowledged, every acknowledgement still needed and explained,
 * and a new resource with a known problem still fails synth.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { guardAcknowledgements } from '../../lib/policy-acknowledgements';
import { ControlTowerGuardValidator } from '../../lib/policy-validation';
import { STACK_ID } from '../../lambda/contracts';
import { synth } from './synth';

const validator = new ControlTowerGuardValidator();
const outdirs: string[] = [];
afterAll(() => {
  for (const d of outdirs) rmSync(d, { recursive: true, force: true });
});

/** The template file of the stack synthesized from these context values (no bundling: guard reads the template). */
function templateOf(context: Record<string, unknown> = {}) {
  const outdir = mkdtempSync(path.join(tmpdir(), 'guard-'));
  outdirs.push(outdir);
  const { app, stack } = synth(context, { bundle: false, outdir });
  const assembly = app.synth();
  const templatePath = assembly.getStackByName(STACK_ID).templateFullPath;
  return { templatePath, context: { templatePaths: [templatePath], appConstruct: app }, receiver: stack.receiver };
}

const findings = (report: ReturnType<ControlTowerGuardValidator['validate']>) =>
  report.violations.map((v) => ({ rule: v.ruleName, resources: v.violatingResources.map((r) => r.resourceLogicalId) }));

describe('Control Tower guard rules', () => {
  it.each([
    ['the default stack', {}],
    ['e-mail and Slack configured', { alertEmails: 'ops@example.com', slackWorkspaceId: 'T07ABCDEF12', slackChannelId: 'C07ABCDEF12' }],
    [
      'a new Teams channel',
      {
        teamsTenantId: '8f4b2c1e-0d3a-4e5f-9a6b-7c8d9e0f1a2b',
        teamsTeamId: '1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d',
        teamsChannelId: '19%3ab6ef35dc342d56ba5654e6fc6d25a071%40thread.tacv2',
      },
    ],
    [
      'existing Slack and Teams Chatbot configurations',
      {
        slackChannelConfigurationArn: 'arn:aws:chatbot::123456789012:chat-configuration/slack-channel/ops',
        teamsChannelConfigurationArn: 'arn:aws:chatbot::123456789012:chat-configuration/microsoft-teams-channel/ops',
      },
    ],
    ['a year of log retention', { logRetentionDays: 365 }],
  ])('report no unacknowledged finding for %s', (_name, context) => {
    const report = validator.validate(templateOf(context).context);
    expect(findings(report)).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('need every acknowledgement: without them, exactly the acknowledged rules are reported', () => {
    const { context, receiver } = templateOf();
    const raised = [...new Set(validator.validateAll(context).violations.map((v) => v.ruleName))].sort();
    const expected = guardAcknowledgements.filter((a) => !a.when || a.when(receiver)).map((a) => a.rule);
    expect(raised).toEqual([...new Set(expected)].sort());
  });

  it('need no log-retention acknowledgement when logs are kept a year', () => {
    const raised = validator.validateAll(templateOf({ logRetentionDays: 365 }).context).violations.map((v) => v.ruleName);
    expect(raised).not.toContain('cloudwatch_log_group_retention_period_check');
  });

  it('find no kms:CreateGrant problem: the topic key denies grants that are not for AWS resources', () => {
    expect(validator.validateAll(templateOf().context).violations.map((v) => v.ruleName)).not.toContain('kms_create_grant_aws_service_check');
  });

  it('give every acknowledgement a reason of substance and its Control Tower control id', () => {
    for (const ack of guardAcknowledgements) {
      expect(ack.reason.length).toBeGreaterThan(150);
      expect(ack.control).toMatch(/^CT\.[A-Z0-9]+\.PR\.\d+$/);
    }
  });

  it('fail synth for a finding nobody acknowledged (a queue without a dead-letter queue)', () => {
    const outdir = mkdtempSync(path.join(tmpdir(), 'guard-'));
    outdirs.push(outdir);
    const app = new App({ outdir });
    Validations.of(app).addPlugins(new ControlTowerGuardValidator());
    new Queue(new Stack(app, 'Other'), 'Unprotected', { enforceSSL: true });
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const log = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      expect(() => app.synth()).toThrow(/CT\.SQS\.PR\.1.*\n.*Other\/Unprotected/);
    } finally {
      write.mockRestore();
      log.mockRestore();
    }
  });
});
