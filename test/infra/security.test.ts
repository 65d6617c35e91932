import { App, Stack } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { JobWebhookReceiver } from '../../lib/job-webhook-receiver';
import { nagAcknowledgements } from '../../lib/policy-acknowledgements';
import { synth, type Synthesized } from './synth';
import { exampleProviders } from '../fixtures/configured-providers';

const slack = { slackWorkspaceId: 'T07ABCDEF12', slackChannelId: 'C07ABCDEF12' };
const teams = {
  teamsTenantId: '8f4b2c1e-0d3a-4e5f-9a6b-7c8d9e0f1a2b',
  teamsTeamId: '1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d',
  teamsChannelId: '19%3ab6ef35dc342d56ba5654e6fc6d25a071%40thread.tacv2',
};
const existing = {
  slackChannelConfigurationArn: 'arn:aws:chatbot::123456789012:chat-configuration/slack-channel/ops',
  teamsChannelConfigurationArn: 'arn:aws:chatbot::123456789012:chat-configuration/microsoft-teams-channel/ops',
};

// One bundled default stack for this file (esbuild runs once); the Slack/e-mail variant skips bundling.
let full: Synthesized;
let withPeople: Synthesized;
beforeAll(() => {
  full = synth();
  withPeople = synth({ alertEmails: 'ops@example.com', ...slack, ...teams }, { bundle: false });
});

const findings = (scope: App) =>
  new AwsSolutionsChecks().validateScope(scope).violations.map((v) => ({
    rule: v.ruleName,
    severity: v.severity,
    at: v.violatingResources.map((r) => r.constructPath),
  }));

describe('cdk-nag AwsSolutions', () => {
  it('reports no unacknowledged finding (errors or warnings) for the default stack', () => {
    expect(findings(full.app)).toEqual([]);
  });

  it('reports no unacknowledged finding with e-mail, Slack and Teams configured', () => {
    expect(findings(withPeople.app)).toEqual([]);
  });

  it("reports no unacknowledged finding with configured providers (each one's secret is acknowledged like Contentor's)", () => {
    expect(findings(synth({ providers: JSON.stringify(exampleProviders) }, { bundle: false }).app)).toEqual([]);
  });

  it('acknowledges secret rotation (SMG4) on exactly the secrets that exist', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const receiver = new JobWebhookReceiver(new Stack(app, 'Bare'), 'Receiver', { providers: exampleProviders, acknowledgePolicyFindings: false });
    const smg4 = nagAcknowledgements.find((a) => a.id === 'AwsSolutions-SMG4');
    expect(smg4?.scope(receiver)).toEqual([receiver.providerSecrets.contentor, receiver.providerSecrets.replicate, receiver.providerSecrets.acme]);
    const raised = new AwsSolutionsChecks().validateScope(app).violations.filter((v) => v.ruleName === 'AwsSolutions-SMG4');
    expect(raised.flatMap((v) => v.violatingResources.map((r) => r.constructPath)).sort()).toEqual(
      ['ContentorSecret', 'ProviderSecret-acme', 'ProviderSecret-replicate'].map((id) => `Bare/Receiver/${id}/Secret/Resource`),
    );
  });

  it('reports no unacknowledged finding with existing Slack and Teams Chatbot configurations', () => {
    expect(findings(synth(existing, { bundle: false }).app)).toEqual([]);
  });

  it('needs every acknowledgement: without them, exactly the acknowledged rules are reported', () => {
    for (const people of [{}, slack, teams, existing, { providers: exampleProviders }]) {
      const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
      const receiver = new JobWebhookReceiver(new Stack(app, 'Bare'), 'Receiver', { ...people, acknowledgePolicyFindings: false });
      const raised = [...new Set(findings(app).map((f) => f.rule))].sort();
      expect(raised).toEqual([...new Set(nagAcknowledgements.filter((a) => a.scope(receiver).length > 0).map((a) => a.id))].sort());
    }
  });

  it('gives every acknowledgement a reason of substance', () => {
    for (const ack of nagAcknowledgements) expect(ack.reason.length).toBeGreaterThan(120);
  });
});

type Statement = { Effect: string; Action?: unknown; Resource?: unknown; Principal?: unknown };
type Located = Statement & { where: string };

/** Every policy statement in a template: identity policies, inline role policies and resource policies. */
function allStatements(template: Template): Located[] {
  const documents: Record<string, string[]> = {
    'AWS::IAM::Policy': ['PolicyDocument'],
    'AWS::IAM::ManagedPolicy': ['PolicyDocument'],
    'AWS::KMS::Key': ['KeyPolicy'],
    'AWS::SNS::TopicPolicy': ['PolicyDocument'],
    'AWS::SQS::QueuePolicy': ['PolicyDocument'],
    'AWS::SecretsManager::ResourcePolicy': ['ResourcePolicy'],
  };
  const out: Located[] = [];
  for (const [type, props] of Object.entries(documents)) {
    for (const [id, resource] of Object.entries(template.findResources(type))) {
      for (const prop of props) {
        const doc = (resource as { Properties: Record<string, { Statement: Statement[] }> }).Properties[prop];
        for (const s of doc?.Statement ?? []) out.push({ ...s, where: `${type} ${id}` });
      }
    }
  }
  for (const [id, role] of Object.entries(template.findResources('AWS::IAM::Role'))) {
    const policies = (role as { Properties: { Policies?: { PolicyDocument: { Statement: Statement[] } }[] } }).Properties.Policies;
    for (const p of policies ?? []) for (const s of p.PolicyDocument.Statement) out.push({ ...s, where: `AWS::IAM::Role ${id}` });
  }
  return out;
}

const list = (value: unknown): unknown[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
const isRoot = (principal: unknown) => JSON.stringify(principal).includes(':root');

/**
 * The only allowed wildcards, each with its reason. Deny statements (TLS enforcement) are not grants and are skipped.
 */
const documentedWildcards: Array<{ why: string; matches: (s: Located) => boolean }> = [
  {
    why: 'CDK default key-policy statement: the account root administers its own key (delegation to IAM); without it the key would be unmanageable',
    matches: (s) => s.where.startsWith('AWS::KMS::Key') && isRoot(s.Principal) && list(s.Action).join() === 'kms:*',
  },
  {
    why: 'In a key policy the resource "*" means the key itself',
    matches: (s) => s.where.startsWith('AWS::KMS::Key') && list(s.Resource).join() === '*' && !list(s.Action).some((a) => String(a).includes('*')),
  },
  {
    why: 'dynamodb:ListStreams has no resource-level permissions (acknowledged as AwsSolutions-IAM5 too)',
    matches: (s) => s.where.startsWith('AWS::IAM::Policy') && list(s.Action).join() === 'dynamodb:ListStreams',
  },
  {
    why: 'AWS Chatbot reads metrics to chart an alarm; GetMetricData/GetMetricStatistics/GetMetricWidgetImage/ListMetrics have no resource-level permissions (role and channel guardrail)',
    matches: (s) =>
      (s.where.startsWith('AWS::IAM::Role') || s.where.startsWith('AWS::IAM::ManagedPolicy')) &&
      list(s.Action).every((a) =>
        ['cloudwatch:GetMetricData', 'cloudwatch:GetMetricStatistics', 'cloudwatch:GetMetricWidgetImage', 'cloudwatch:ListMetrics'].includes(String(a)),
      ),
  },
];

describe('IAM least privilege', () => {
  it.each([
    ['default', () => full.template],
    ['with e-mail, Slack and Teams', () => withPeople.template],
  ])('%s stack: no wildcard action and no "*" resource except the documented ones', (_name, template) => {
    const statements = allStatements(template()).filter((s) => s.Effect === 'Allow');
    expect(statements.length).toBeGreaterThan(5);
    const offending = statements
      .filter((s) => !documentedWildcards.some((w) => w.matches(s)))
      .filter((s) => list(s.Action).some((a) => String(a).includes('*')) || list(s.Resource).some((r) => r === '*'))
      .map((s) => ({ where: s.where, action: s.Action, resource: s.Resource }));
    expect(offending).toEqual([]);
  });

  it.each([
    ['default', () => full.template],
    ['with e-mail and Slack', () => withPeople.template],
  ])('%s stack: no Allow statement and no Lambda permission is granted to any principal ("*")', (_name, template) => {
    const anyone = (principal: unknown): boolean =>
      principal === '*' || (typeof principal === 'object' && principal !== null && Object.values(principal).some((p) => list(p).includes('*')));
    const statements = allStatements(template()).filter((s) => s.Effect === 'Allow');
    expect(statements.filter((s) => s.Principal !== undefined).length).toBeGreaterThan(0);
    expect(statements.filter((s) => anyone(s.Principal)).map((s) => ({ where: s.where, action: s.Action }))).toEqual([]);
    const permissions = Object.entries(template().findResources('AWS::Lambda::Permission')) as Array<[string, { Properties: { Principal?: unknown } }]>;
    expect(permissions.filter(([, p]) => anyone(p.Properties.Principal)).map(([id]) => id)).toEqual([]);
  });

  it('uses every documented wildcard exception (none is stale)', () => {
    const statements = [...allStatements(full.template), ...allStatements(withPeople.template)].filter((s) => s.Effect === 'Allow');
    for (const w of documentedWildcards) expect({ why: w.why, used: statements.some(w.matches) }).toEqual({ why: w.why, used: true });
  });

  it('attaches no managed policies to any role', () => {
    for (const role of Object.values(withPeople.template.findResources('AWS::IAM::Role'))) {
      expect((role as { Properties: { ManagedPolicyArns?: unknown } }).Properties.ManagedPolicyArns).toBeUndefined();
    }
  });
});

describe('each function gets exactly the actions its job needs', () => {
  /** Allowed actions of the inline policies attached to the role of the function with this service name. */
  function actionsOf(template: Template, service: string): string[] {
    const functions = template.findResources('AWS::Lambda::Function');
    const fn = Object.values(functions).find(
      (f) =>
        (f as { Properties: { Environment?: { Variables?: Record<string, string> } } }).Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME === service,
    ) as { Properties: { Role: { 'Fn::GetAtt': [string, string] } } } | undefined;
    const role = fn?.Properties.Role['Fn::GetAtt'][0];
    const actions = new Set<string>();
    for (const policy of Object.values(template.findResources('AWS::IAM::Policy'))) {
      const p = policy as { Properties: { Roles: Array<{ Ref: string }>; PolicyDocument: { Statement: Statement[] } } };
      if (!p.Properties.Roles.some((r) => r.Ref === role)) continue;
      for (const s of p.Properties.PolicyDocument.Statement) if (s.Effect === 'Allow') for (const a of list(s.Action)) actions.add(String(a));
    }
    return [...actions].filter((a) => !a.startsWith('logs:')).sort();
  }

  it('receiver: write the table (no index reads, no scans) and read the Contentor secret', () => {
    expect(actionsOf(full.template, 'receiver')).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'secretsmanager:GetSecretValue']);
  });

  it('fan-out: read the stream, mark events, keep alert windows, publish to the encrypted topics, send failure records', () => {
    expect(actionsOf(full.template, 'fanout')).toEqual([
      // the event-source mapping's stream read (ListStreams has no resource-level permission)
      'dynamodb:DescribeStream',
      // the notification ledger and the alert windows, decisions and rate slots (items of the table)
      'dynamodb:GetItem',
      'dynamodb:GetRecords',
      'dynamodb:GetShardIterator',
      'dynamodb:ListStreams',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
      // SNS topics encrypted with the customer-managed key
      'kms:Decrypt',
      'kms:GenerateDataKey',
      'sns:Publish',
      // the on-failure destination (CDK's SqsDlq grant)
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
      'sqs:SendMessage',
    ]);
  });
});
