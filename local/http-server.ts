/**
 * A local stand-in for API Gateway HTTP API: turns Node HTTP requests into payload-v2 events for the same receiver
 * handler that runs in Lambda. Like API Gateway it routes only `POST /webhooks/{provider}`, joins repeated headers
 * with commas, base64-encodes bodies that are not UTF-8 text, and refuses bodies over its own 10 MB hard limit.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { webhookRoute } from '../lambda/contracts';

export type V2Handler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

const API_GATEWAY_MAX_BYTES = 10 * 1024 * 1024;
// The contract's path with its one parameter as a capture (a trailing slash tolerated, as API Gateway does).
const ROUTE = new RegExp(`^${webhookRoute.path.replace(`{${webhookRoute.parameter}}`, '([^/]+)')}/?$`);

class BodyTooLarge extends Error {}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > API_GATEWAY_MAX_BYTES) throw new BodyTooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function isUtf8Text(bytes: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

export function toV2Event(request: IncomingMessage, body: Buffer, provider: string): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (let i = 0; i < request.rawHeaders.length; i += 2) {
    const name = (request.rawHeaders[i] ?? '').toLowerCase();
    const value = request.rawHeaders[i + 1] ?? '';
    headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
  }
  const url = new URL(request.url ?? '/', 'http://localhost');
  const text = isUtf8Text(body);
  const now = new Date();
  return {
    version: '2.0',
    routeKey: `${webhookRoute.method} ${webhookRoute.path}`,
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    headers,
    pathParameters: { provider: decodeURIComponent(provider) },
    isBase64Encoded: !text,
    body: text ? body.toString('utf8') : body.toString('base64'),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'local',
      http: {
        method: request.method ?? 'POST',
        path: url.pathname,
        protocol: 'HTTP/1.1',
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: `${webhookRoute.method} ${webhookRoute.path}`,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
  };
}

function send(
  res: import('node:http').ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = { 'content-type': 'application/json' },
): void {
  res.writeHead(status, headers);
  res.end(body);
}

/**
 * How long an idle keep-alive connection stays open. Node's default (5 s) closes it while a client that paused
 * longer (a CLI run between two requests, a busy machine) still holds it in its pool: its next request then fails
 * with "other side closed" instead of being answered. API Gateway keeps idle connections far longer.
 */
const KEEP_ALIVE_MS = 60_000;

export function createLocalApi(handler: V2Handler): Server {
  const server = createServer((req, res) => {
    void (async () => {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      const match = ROUTE.exec(path);
      if (req.method === 'GET' && path === '/health') return send(res, 200, '{"status":"ok"}');
      // API Gateway answers unmatched routes itself; the handler is never invoked (no I/O).
      if (!match || req.method !== 'POST') {
        req.resume();
        return send(res, 404, '{"message":"Not Found"}');
      }
      let body: Buffer;
      try {
        body = await readBody(req);
      } catch (error) {
        if (error instanceof BodyTooLarge)
          return send(res, 413, '{"message":"Request Entity Too Large"}', { 'content-type': 'application/json', connection: 'close' });
        throw error;
      }
      const result = await handler(toV2Event(req, body, match[1] ?? ''));
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(result.headers ?? {})) headers[k] = String(v);
      send(res, result.statusCode ?? 200, result.body ?? '', headers);
    })().catch(() => {
      // A Lambda crash surfaces as 500 from API Gateway.
      if (!res.headersSent) send(res, 500, '{"message":"Internal Server Error"}');
    });
  });
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  // Must exceed keepAliveTimeout, or Node may cut a connection that is mid-request (its documented pairing).
  server.headersTimeout = KEEP_ALIVE_MS + 1000;
  return server;
}

/** The port asked for is taken; the message says which and how to choose another. */
export class PortInUseError extends Error {
  constructor(
    readonly port: number,
    host: string,
  ) {
    super(
      `port ${port} on ${host} is already in use (another npm start, or another server): stop that, or choose another ` +
        `port, e.g. PORT=${port === 3000 ? 3100 : 3000} npm start (PORT=0 picks any free port)`,
    );
    this.name = 'PortInUseError';
  }
}

export async function listen(server: Server, port: number, host = '127.0.0.1'): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'EADDRINUSE' ? new PortInUseError(port, host) : error));
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  return typeof address === 'object' && address ? address.port : port;
}
