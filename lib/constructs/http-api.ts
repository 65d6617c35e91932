import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod, HttpStage, type IAccessLogDestination, PayloadFormatVersion } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { webhookRoute } from '../../lambda/contracts';

/** The webhook route (contract: docs/ARCHITECTURE.md "Routes"). `{provider}` is checked by the receiver (unknown → 404). */

/** Props of {@link WebhookHttpApi}. */
export interface WebhookHttpApiProps {
  /** The function behind the route. */
  readonly receiver: IFunction;
  /** Stage-wide steady-state requests per second. */
  readonly throttleRateLimit: number;
  /** Stage-wide burst. */
  readonly throttleBurstLimit: number;
  /** Retention of the access-log group. */
  readonly logRetention: RetentionDays;
  /**
   * What happens to the access-log group when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly logRemovalPolicy?: RemovalPolicy;
}

// HTTP API context variables; no headers, so signatures never reach the access log.
const accessLogFields = {
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  requestTime: '$context.requestTime',
  routeKey: '$context.routeKey',
  path: '$context.path',
  status: '$context.status',
  responseLength: '$context.responseLength',
  integrationStatus: '$context.integrationStatus',
  integrationLatency: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
  userAgent: '$context.identity.userAgent',
};

/**
 * Public HTTP API: `POST /webhooks/{provider}` to the receiver (payload format 2.0). No authorizer and no CORS by
 * design: providers call server-to-server and the signature over the body is the authentication.
 */
export class WebhookHttpApi extends Construct {
  /** The API. */
  public readonly api: HttpApi;
  /** The `$default` stage (throttling and access logs). */
  public readonly stage: HttpStage;
  /** Access-log group. */
  public readonly accessLogs: LogGroup;
  /** Base URL without a trailing slash (the `ApiUrl` output). */
  public readonly url: string;

  constructor(scope: Construct, id: string, props: WebhookHttpApiProps) {
    super(scope, id);
    this.api = new HttpApi(this, 'Api', {
      description: 'Job-status webhooks (Panjaya, Contentor)',
      // Our own $default stage below: the built-in one takes neither throttling nor access logs.
      createDefaultStage: false,
    });
    this.api.addRoutes({
      path: webhookRoute.path,
      methods: [HttpMethod.POST],
      integration: new HttpLambdaIntegration('Receiver', props.receiver, {
        payloadFormatVersion: PayloadFormatVersion.VERSION_2_0,
      }),
    });
    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN,
    });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.throttleRateLimit, burstLimit: props.throttleBurstLimit },
      accessLogSettings: {
        destination: logGroupWithoutWildcard(this.accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(accessLogFields)),
      },
    });
    // apiEndpoint is https://<id>.execute-api.<region>.<suffix> — no trailing slash, unlike stage.url.
    this.url = this.api.apiEndpoint;
  }
}

/**
 * The access-log destination as API Gateway stores it: the log group's ARN without the trailing `:*` that
 * CloudFormation's `Arn` attribute carries. Given with it, every deploy shows a difference that never goes away.
 * (CDK's feature flag `@aws-cdk/aws-apigateway:logGroupDestinationArnWithoutWildcard` covers REST APIs only.)
 */
function logGroupWithoutWildcard(logGroup: LogGroup): IAccessLogDestination {
  return {
    bind: () => ({
      destinationArn: Stack.of(logGroup).formatArn({
        service: 'logs',
        resource: 'log-group',
        resourceName: logGroup.logGroupName,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      }),
    }),
  };
}
