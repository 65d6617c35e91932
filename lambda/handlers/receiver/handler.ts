import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { metricNames, webhookRoute } from '../../contracts';
import { ingest, type IngestDeps, type IngestResult } from '../../core/ingest';
import { toHttpResponse } from '../../core/http-response';
import { quarantineRecordFor, type QuarantineSink } from '../../core/quarantine';
import type { Telemetry } from '../../adapters/telemetry';

export interface ReceiverDeps extends IngestDeps {
  readonly telemetry: Telemetry;
  /** Where refused (401/400) deliveries are kept for `npm run replay`; absent: they are only counted and logged. */
  readonly quarantine?: QuarantineSink;
  /**
   * Longest wait for the quarantine write before answering anyway: the refusal must reach the provider well inside
   * the function's timeout, whatever the table does.
   * @default 2000
   */
  readonly quarantineTimeoutMs?: number;
}

/** Route parameter set by `POST /webhooks/{provider}` (API Gateway and the local server alike). */
function providerOf(event: APIGatewayProxyEventV2): string {
  return event.pathParameters?.[webhookRoute.parameter] ?? '';
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
  // `message` is a reserved Powertools key (dropped with a warning): the text the caller got goes in `rejection`.
  else logger.warn('webhook rejected', { ...fields, rejection: error.message });
}

/** Resolves to 'timeout' after `ms` unless `work` settles first (the timer never keeps the process alive). */
async function within<T>(work: Promise<T>, ms: number): Promise<T | 'timeout'> {
  // A late failure after the deadline must not surface as an unhandled rejection (it would end the Lambda runtime).
  work.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
    timer.unref();
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Keeps a refused delivery for replay. Only 401/400 with a decoded request (so never 404, 413 or 5xx); nothing on
 * the accept path. A failure or a slow table is logged and counted and never changes the answer.
 */
async function quarantine(result: IngestResult, deps: ReceiverDeps, requestId: string, providerName: string): Promise<void> {
  if (result.kind !== 'rejected' || !deps.quarantine || !result.request) return;
  const record = quarantineRecordFor({
    provider: providerName,
    error: result.error,
    request: result.request,
    receivedAt: result.receivedAt ?? deps.now().toISOString(),
    extraHeaderNames: deps.findProvider(providerName)?.signatureHeaders ?? [],
  });
  if (!record) return;
  const { logger } = deps.telemetry;
  const fields = { requestId, provider: providerName, reason: record.reason, deliveryId: record.deliveryId };
  try {
    const outcome = await within(deps.quarantine.keep(record), deps.quarantineTimeoutMs ?? 2000);
    if (outcome === 'timeout') throw new Error('quarantine write timed out');
    if (outcome === 'stored') deps.telemetry.count(metricNames.quarantined, { reason: record.reason });
    else deps.telemetry.count(metricNames.quarantineSkipped, { outcome });
    logger.info('refused delivery quarantined', { ...fields, quarantine: outcome });
  } catch (error) {
    deps.telemetry.count(metricNames.quarantineFailed);
    logger.error('quarantine failed', {
      ...fields,
      error: error instanceof Error ? error.name : 'unknown',
      detail: error instanceof Error ? error.message : undefined,
    });
  }
}

/** Thin API Gateway HTTP API (payload v2) adapter around `ingest`. */
export function makeReceiverHandler(deps: ReceiverDeps) {
  return async (event: APIGatewayProxyEventV2, context?: Context): Promise<APIGatewayProxyStructuredResultV2> => {
    const providerName = providerOf(event);
    const requestId = event.requestContext?.requestId ?? context?.awsRequestId ?? 'local';
    const result = await ingest({ providerName, body: event.body ?? '', isBase64Encoded: event.isBase64Encoded ?? false, headers: event.headers ?? {} }, deps);
    record(result, deps, requestId, providerName);
    await quarantine(result, deps, requestId, providerName);
    deps.telemetry.flush();
    const response = toHttpResponse(result);
    return { statusCode: response.statusCode, headers: { ...response.headers }, body: response.body };
  };
}
