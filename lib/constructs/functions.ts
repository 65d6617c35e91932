import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { type Duration, RemovalPolicy } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import {
  ApplicationLogLevel,
  Architecture,
  type CfnFunction,
  Code,
  Function as LambdaFunction,
  LoggingFormat,
  Runtime,
  SystemLogLevel,
} from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { envNames } from '../../lambda/contracts';
import { builtInTrustEnvNames } from '../../lambda/config/provider-env';
import { validateEnvironmentBudget } from '../environment-budget';

/**
 * Repository root: the esbuild project root and the lock file location (fixed, not guessed from the cwd). Compiled
 * into the package, the same expression names `dist/`, where the pre-bundled functions are.
 */
export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

/**
 * esbuild options of every function, exported so `npm run bench` measures exactly what the stack deploys.
 */
export const bundlingOptions = {
  forceDockerBundling: false,
  // The AWS SDK is bundled rather than taken from the runtime: versions pinned by our lock file (the runtime's
  // copy changes under us), and esbuild keeps only the clients and commands we import.
  externalModules: [],
  // Prefer the SDK's ES-module builds: esbuild can only tree-shake ESM (about -20% bundle size measured here).
  mainFields: ['module', 'main'],
  format: OutputFormat.CJS,
  target: 'node24',
  minify: true,
  // No source map: Node applies one only with NODE_OPTIONS=--enable-source-maps, and that flag cost 33 ms of the
  // receiver's 189 ms cold init (fan-out: 25 of 169) in `npm run bench`, for nicer stack traces only. Errors are logged
  // with their name, message and context fields, which is what the alarms and runbooks use.
  sourceMap: false,
} as const satisfies BundlingOptions;

/**
 * Memory per function (MB), shared by the stack and the bench's cost model; the reasons are in bench/results.json
 * and the README's performance section.
 */
export const functionMemoryMb = { receiver: 512, fanout: 256 } as const;

/**
 * Where the package ships a handler pre-bundled: `functions/<name>/index.js` beside the compiled `lib/` (in the
 * package, `dist/`). In this repository, running from source, there is none and the handler is bundled from source.
 */
export function prebundledDir(handlerName: string): string {
  return path.join(PROJECT_ROOT, 'functions', handlerName);
}

/** Props of {@link WebhookFunction}. */
export interface WebhookFunctionProps {
  /** Function folder under `lambda/handlers/` (e.g. `receiver`); its `index.ts` exports `handler`. */
  readonly handlerName: string;
  /** `POWERTOOLS_SERVICE_NAME`: the `service` dimension of the function's metrics. */
  readonly serviceName: string;
  /** `POWERTOOLS_METRICS_NAMESPACE`: this receiver instance's own namespace (lib/metrics-namespace.ts). */
  readonly metricsNamespace: string;
  /** Memory in MB; chosen per function, with the reason beside the call. */
  readonly memorySize: number;
  /** Timeout; chosen per function, with the reason beside the call. */
  readonly timeout: Duration;
  /** Environment variables (names from lambda/contracts/env.ts `envNames`). */
  readonly environment: Readonly<Record<string, string>>;
  /** Retention of the function's log group. */
  readonly logRetention: RetentionDays;
  /**
   * What happens to the log group when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly logRemovalPolicy?: RemovalPolicy;
}

/**
 * One handler as a Lambda function with the settings every function here shares: Node.js 24 on arm64 (cheaper per
 * GB-second and at least as fast for this crypto/JSON work), bundled by the local esbuild (never Docker), JSON logs
 * into an explicit log group with retention, and its own role that starts with nothing but writing to that group
 * (no AWSLambdaBasicExecutionRole: it grants logs actions on every log group).
 */
export class WebhookFunction extends Construct {
  /** The function: bundled from source in this repository, or the package's pre-bundled code (see below). */
  public readonly function: LambdaFunction;
  /** Its execution role; callers add exactly what the handler needs. */
  public readonly role: Role;
  /** Its log group. */
  public readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: WebhookFunctionProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN,
    });
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of the ${props.serviceName} function`,
    });
    this.logGroup.grantWrite(this.role);

    const settings = {
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: LoggingFormat.JSON,
      applicationLogLevelV2: ApplicationLogLevel.INFO,
      systemLogLevelV2: SystemLogLevel.WARN,
      environment: {
        ...props.environment,
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        POWERTOOLS_METRICS_NAMESPACE: props.metricsNamespace,
      },
    };
    const prebundled = prebundledDir(props.handlerName);
    this.function = existsSync(path.join(prebundled, 'index.js'))
      ? // Installed from npm: the bundle built with the same options at pack time (scripts/build-package.ts).
        new LambdaFunction(this, 'Function', { ...settings, code: Code.fromAsset(prebundled), handler: 'index.handler' })
      : new NodejsFunction(this, 'Function', {
          ...settings,
          entry: path.join(PROJECT_ROOT, 'lambda', 'handlers', props.handlerName, 'index.ts'),
          handler: 'handler',
          projectRoot: PROJECT_ROOT,
          depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
          bundling: bundlingOptions,
        });
    // Names of what we set must come from envNames; this guards against a typo'd literal slipping in.
    const known = new Set<string>([...Object.values(envNames), ...builtInTrustEnvNames]);
    for (const name of Object.keys(props.environment)) {
      if (!known.has(name)) throw new Error(`${id}: environment variable ${name} is not in lambda/contracts/env.ts envNames`);
    }
    // Lambda's 4 KB for all variables, counted at synth with every ARN and name at its longest.
    validateEnvironmentBudget(this, this.function.node.defaultChild as CfnFunction);
  }
  /** Grants exactly `actions` on exactly `resources` (named statement; never a wildcard action). */
  allow(sid: string, actions: readonly string[], resources: readonly string[]): void {
    this.role.addToPolicy(new PolicyStatement({ sid, actions: [...actions], resources: [...resources] }));
  }
}
