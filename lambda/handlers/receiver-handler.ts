import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { metricNames } from '../config/env';
import { ingest, type IngestDeps, type IngestResult } from '../core/ingest';
import { toHttpResponse } from '../core/http-response';
import type { Telemetry } from '../adapters/telemetry';

export interface ReceiverDeps extends IngestDeps {
  readonly telemetry: Telemetry;
}

/** Route parameter set by `POST /webhooks/{provider}` (API Gateway and the local server alike). */
function providerOf(event: APIGatewayProxyEventV2): string {
  return event.pathParameters?.provider ?? '';
}

function record(result: IngestResult, deps: ReceiverDeps, requestId: string, providerName: string): void {
  const { logger } = deps.telemetry;
  const job = result.event ? { jobId: result.event.jobId, eventType: result.event.eventType, status: result.event.status } : {};
  deps.telemetry.count(metricNames.received);
  if (result.kind === 'stored') {
    const { outcome, eventId, writeUnits } = result.stored;
    deps.telemetry.count(outcome === 'accepted' ? metricNames.accepted : metricNames.duplicate);
    if (result.event.status === 'unknown') deps.telemetry.count(metricNames.unknownEvent, { provider: providerName });
    logger.info('webhook stored', { requestId, provider: providerName, ...job, eventId, outcome, writeUnits });
    return;
  }
  const { error } = result;
  deps.telemetry.count(metricNames.rejected, { reason: error.reason });
  const fields = { requestId, provider: providerName, ...job, outcome: 'rejected', status: error.httpStatus, reason: error.reason };
  // Details (e.g. an SDK error) only for operators; never the body, a signature or a secret.
  if (error.httpStatus >= 500) logger.error('webhook failed', { ...fields, detail: error.logDetail });
  else logger.warn('webhook rejected', { ...fields, message: error.message });
}

/** Thin API Gateway HTTP API (payload v2) adapter around `ingest`. */
export function makeReceiverHandler(deps: ReceiverDeps) {
  return async (event: APIGatewayProxyEventV2, context?: Context): Promise<APIGatewayProxyStructuredResultV2> => {
    const providerName = providerOf(event);
    const requestId = event.requestContext?.requestId ?? context?.awsRequestId ?? 'local';
    const result = await ingest(
      { providerName, body: event.body ?? '', isBase64Encoded: event.isBase64Encoded ?? false, headers: event.headers ?? {} },
      deps,
    );
    record(result, deps, requestId, providerName);
    deps.telemetry.flush();
    const response = toHttpResponse(result);
    return { statusCode: response.statusCode, headers: { ...response.headers }, body: response.body };
  };
}
