/**
 * The deploy configuration of a deployed stack as the tools see it: cdk.json's context (only our keys), validated as
 * `cdk synth` validates it, so a tool uses the same retention, limits, providers and deadlines the stack was
 * deployed with.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { contextKeys, parseDeployConfig, type DeployConfig } from '../../lib/config';

/** The project root: where cdk.json lives. */
export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

/** The deploy configuration in `root`/cdk.json (only our keys), validated as `cdk synth` would. */
export function deployConfigFromCdkJson(root = PROJECT_ROOT): DeployConfig {
  const file = path.join(root, 'cdk.json');
  const context = existsSync(file) ? ((JSON.parse(readFileSync(file, 'utf8')) as { context?: Record<string, unknown> }).context ?? {}) : {};
  const ours = Object.fromEntries(Object.entries(context).filter(([key]) => (contextKeys as readonly string[]).includes(key)));
  return parseDeployConfig(ours);
}
