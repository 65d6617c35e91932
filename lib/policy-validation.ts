/**
 * AWS Control Tower's guard rules as a CDK policy-validation plugin, beside cdk-nag (bin/app.ts and test/infra).
 * cfn-guard's rules have no per-resource suppression, so this wraps `@cdklabs/cdk-validator-cfnguard` and drops a
 * finding only on a resource whose template metadata accepts that rule (written by lib/policy-acknowledgements.ts,
 * where each acceptance has its reason). Any other finding fails `cdk synth`.
 */
import { readFileSync } from 'node:fs';
import type { IPolicyValidationContextBeta1, IPolicyValidationPluginBeta1, PolicyValidationPluginReportBeta1 } from 'aws-cdk-lib';
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
