import type { IngestResult } from './ingest';

/** The HTTP contract (docs/ARCHITECTURE.md "HTTP contract") in one place: result → status and JSON body. */
export interface HttpResponse {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

const jsonHeaders = { 'content-type': 'application/json', 'cache-control': 'no-store' } as const;

export function jsonResponse(statusCode: number, body: Record<string, string>): HttpResponse {
  return { statusCode, headers: jsonHeaders, body: JSON.stringify(body) };
}

export function toHttpResponse(result: IngestResult): HttpResponse {
  if (result.kind === 'stored') {
    return jsonResponse(200, { status: result.stored.outcome, eventId: result.stored.eventId });
  }
  return jsonResponse(result.error.httpStatus, { error: result.error.message });
}
