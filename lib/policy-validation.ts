/**
 * AWS Control Tower's guard rules as a CDK policy-validation plugin, beside cdk-nag (bin/app.ts and test/infra).
 * cfn-guard's rules have no per-resource suppression, so this wraps `@cdklabs/cdk-validator-cfnguard` and drops a
 * finding only on a resource whose template metadata accepts that rule (written by lib/policy-acknowledgements.ts,
 * where each acceptance has its reason). Any other finding fails `cdk synth`.
 */
import { readFileSync } from 'node:fs';
import type {
  IPolicyValidationContext,
  IPolicyValidationContextBeta1,
  IPolicyValidationPlugin,
  IPolicyValidationPluginBeta1,
  PolicyValidationPluginReport,
  PolicyValidationPluginReportBeta1,
} from 'aws-cdk-lib';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { GUARD_METADATA_KEY } from './policy-acknowledgements';

type Template = { Resources?: Record<string, { Metadata?: Record<string, { SuppressedRules?: unknown }> }> };

/** Control Tower guard rules; findings acknowledged in lib/policy-acknowledgements.ts are left out of the report. */
export class ControlTowerGuardValidator implements IPolicyValidationPluginBeta1 {
  public readonly name = 'cfn-guard-control-tower';
  public readonly version?: string;
  public readonly ruleIds?: string[];
  private readonly guard: CfnGuardValidator;

  constructor() {
    this.guard = new CfnGuardValidator({ controlTowerRulesEnabled: true });
    this.version = this.guard.version;
    this.ruleIds = this.guard.ruleIds;
  }

  /** Every finding, acknowledged or not (for tests that check each acknowledgement is still needed). */
  public validateAll(context: IPolicyValidationContextBeta1): PolicyValidationPluginReportBeta1 {
    return this.guard.validate(context);
  }

  public validate(context: IPolicyValidationContextBeta1): PolicyValidationPluginReportBeta1 {
    const report = this.guard.validate(context);
    const templates = new Map<string, Template>();
    const accepted = (templatePath: string, logicalId: string, rule: string) => {
      let template = templates.get(templatePath);
      if (!template) {
        template = JSON.parse(readFileSync(templatePath, 'utf8')) as Template;
        templates.set(templatePath, template);
      }
      const rules = template.Resources?.[logicalId]?.Metadata?.[GUARD_METADATA_KEY]?.SuppressedRules;
      return Array.isArray(rules) && rules.includes(rule);
    };
    const violations = report.violations
      .map((v) => ({ ...v, violatingResources: v.violatingResources.filter((r) => !accepted(r.templatePath, r.resourceLogicalId, v.ruleName)) }))
      .filter((v) => v.violatingResources.length > 0);
    return { ...report, success: violations.length === 0, violations };
  }
}

/**
 * A validation plugin that remembers whether it ran and what it found, so the app can say on stderr that the policy
 * checks ran and passed (`cdk synth` is otherwise silent about them when they pass).
 */
export class RecordedPlugin implements IPolicyValidationPlugin {
  public readonly name: string;
  public readonly version?: string;
  public readonly ruleIds?: string[];
  /** Stacks checked and whether every one passed; undefined until the plugin has run. */
  public result?: { readonly templates: number; readonly passed: boolean };

  constructor(
    private readonly inner: IPolicyValidationPlugin,
    /** How the line on stderr names it, e.g. "cdk-nag AwsSolutions". */
    public readonly label: string,
  ) {
    this.name = inner.name;
    this.version = inner.version;
    this.ruleIds = inner.ruleIds;
  }

  public validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const report = this.inner.validate(context);
    this.result = { templates: context.templatePaths.length, passed: report.success };
    return report;
  }
}

/**
 * One line on stderr when the app exits after every plugin ran and passed, e.g. `policy checks passed: cdk-nag
 * AwsSolutions, AWS Control Tower guard rules (1 stack; accepted findings and their reasons:
 * lib/policy-acknowledgements.ts)`. Nothing when one failed (CDK prints the findings) or never ran.
 */
export function reportPolicyChecksOnExit(plugins: readonly RecordedPlugin[]): void {
  process.once('exit', () => {
    const results = plugins.map((p) => p.result);
    if (results.some((r) => r === undefined || !r.passed)) return;
    const stacks = Math.max(...results.map((r) => r?.templates ?? 0));
    process.stderr.write(
      `policy checks passed: ${plugins.map((p) => p.label).join(', ')} (${stacks} stack${stacks === 1 ? '' : 's'}; ` +
        'accepted findings and their reasons: lib/policy-acknowledgements.ts)\n',
    );
  });
}
