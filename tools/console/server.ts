/**
 * The console's HTTP server: bound to 127.0.0.1 only, every request through the gate (security.ts) before any
 * route, then a page from routes.ts, or one of our two static files. Answers carry the security headers and the
 * strict CSP whatever their status.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { html } from './html';
import { layout, type Page, type PageContext } from './pages/common';
import { notificationRoutes, quarantineRoutes } from './actions';
import { BadRequest, type ConsoleRequest, type ConsoleResponse } from './requests';
import { getRoutes } from './routes';
import { csrfTokenFor, gate, newToken, planTokenFor, SECURITY_HEADERS, sameSecret, sessionCookie } from './security';
import type { ConsoleSources } from './sources';

/** The console's default port (contract: docs/ARCHITECTURE.md "Command-line tools"). */
export const DEFAULT_CONSOLE_PORT = 3300;
/** The largest form body accepted (a selection of a few thousand ids fits easily). */
const MAX_FORM_BYTES = 256 * 1024;

const STATIC_DIR = path.join(__dirname, 'static');
const staticFiles: Readonly<Record<string, { file: string; type: string }>> = {
  '/static/console.css': { file: 'console.css', type: 'text/css; charset=utf-8' },
  '/static/console.js': { file: 'console.js', type: 'text/javascript; charset=utf-8' },
};

export interface ConsoleOptions {
  readonly sources: ConsoleSources;
  /** 0 = any free port. @default 3300 */
  readonly port?: number;
  /** @default a new random token */
  readonly token?: string;
  /** The clock pages use. @default the system clock */
  readonly now?: () => Date;
}

export interface RunningConsole {
  /** The URL to open: `http://127.0.0.1:<port>/?token=<token>`. */
  readonly url: string;
  readonly port: number;
  readonly token: string;
  /** Stops listening and closes open connections. */
  stop(): Promise<void>;
}

/** Thrown when the port is taken: the message names it and how to pick another. */
export class ConsolePortInUseError extends Error {}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer, extra: Record<string, string> = {}, head = false): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': type, 'content-length': String(Buffer.byteLength(body)), ...extra });
  res.end(head ? undefined : body);
}

function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_FORM_BYTES) {
        reject(new BadRequest('form too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', reject);
  });
}

function errorPage(status: number, title: string, message: string): Page {
  return { status, title, body: html`<h1>${title}</h1><p class="error" role="alert">${message}</p>` };
}

/** Starts the console on 127.0.0.1:`port`. */
export async function startConsole(options: ConsoleOptions): Promise<RunningConsole> {
  const token = options.token ?? newToken();
  const csrf = csrfTokenFor(token);
  const now = options.now ?? (() => new Date());
  const quarantine = quarantineRoutes(options.sources);
  const notifications = notificationRoutes(options.sources);
  const gets = { ...getRoutes(options.sources), ...quarantine.get, ...notifications.get };
  const posts = { ...quarantine.post, ...notifications.post };
  const planToken = (what: string) => planTokenFor(token, what);
  let port = options.port ?? DEFAULT_CONSOLE_PORT;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    // The URL is built on our own origin: the Host header is checked, never used.
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    const method = (req.method ?? 'GET').toUpperCase();
    const head = method === 'HEAD';
    const decision = gate({ method, url, host: req.headers.host, origin: req.headers.origin, cookie: req.headers.cookie }, { token, port });
    if (decision.kind === 'refuse') {
      send(
        res,
        decision.status,
        'text/plain; charset=utf-8',
        `${decision.status}: ${decision.reason}\n`,
        decision.status === 405 ? { allow: 'GET, HEAD, POST' } : {},
      );
      return;
    }
    if (decision.kind === 'open-session') {
      send(res, 303, 'text/plain; charset=utf-8', 'see the console\n', { location: decision.location, 'set-cookie': sessionCookie(token) });
      return;
    }
    if (method !== 'POST' && url.pathname === '/favicon.ico') {
      // No icon: an empty answer keeps the browser from logging a 404 on every page.
      send(res, 204, 'image/x-icon', '');
      return;
    }
    const asset = method !== 'POST' && Object.hasOwn(staticFiles, url.pathname) ? staticFiles[url.pathname] : undefined;
    if (asset) {
      send(res, 200, asset.type, readFileSync(path.join(STATIC_DIR, asset.file)), {}, head);
      return;
    }
    const context: PageContext = { csrf, planToken, target: options.sources.tableName, now: now() };
    const handler = Object.hasOwn(method === 'POST' ? posts : gets, url.pathname) ? (method === 'POST' ? posts : gets)[url.pathname] : undefined;
    let response: ConsoleResponse;
    try {
      if (!handler) {
        response = { kind: 'page', page: errorPage(404, 'Not found', `There is no page ${url.pathname} here.`) };
      } else if (method === 'POST') {
        const form = await readForm(req);
        if (!sameSecret(form.get('csrf') ?? undefined, csrf)) {
          send(res, 403, 'text/plain; charset=utf-8', '403: missing or wrong CSRF token\n');
          return;
        }
        response = await handler({ url, form, context } satisfies ConsoleRequest);
      } else {
        response = await handler({ url, context });
      }
    } catch (error) {
      const bad = error instanceof BadRequest;
      const message = error instanceof Error ? error.message : String(error);
      response = { kind: 'page', page: errorPage(bad ? 400 : 500, bad ? 'Bad request' : 'Something failed', message) };
    }
    if (response.kind === 'redirect') {
      send(res, 303, 'text/plain; charset=utf-8', 'see other\n', { location: response.location });
      return;
    }
    send(res, response.page.status ?? 200, 'text/html; charset=utf-8', layout(response.page, context, url.pathname), {}, head);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', `500: ${error instanceof Error ? error.message : String(error)}\n`);
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new ConsolePortInUseError(`port ${port} on 127.0.0.1 is already in use: pick another with --port N (--port 0 picks any free port)`)
          : error,
      ),
    );
    server.listen(port, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
