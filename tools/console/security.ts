/**
 * The console's gate (README "Console", security model). The page shows untrusted provider data and can replay and
 * re-drive, so every request passes these checks before anything else runs:
 *
 * 1. `Host` must name the loopback address and our port: a DNS-rebinding page (evil.example resolving to 127.0.0.1)
 *    sends its own name and is refused before the token is even looked at.
 * 2. The token: only the printed URL carries it (`/?token=…`); the first request trades it for an HttpOnly,
 *    SameSite=Strict cookie and is redirected to the same page without it, so it leaves the address bar and history.
 *    Anything else without the cookie gets 401.
 * 3. State changes are POST only, with a same-origin `Origin` and a CSRF token derived from the session token.
 *
 * Pure functions of the request's parts, so each rule is tested on its own (test/unit/console-security.test.ts).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** The cookie holding the session token. */
export const SESSION_COOKIE = 'console_session';

/** The Content-Security-Policy of every answer: our own script, style and images only; no inline script or style. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

/** Headers on every answer, the 401 and 403 ones included. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  // Never a Referer to another origin. Not `no-referrer`: with it browsers send `Origin: null` on our own form
  // POSTs, which the origin check must refuse. The token never reaches a Referer: the URL that carries it only
  // redirects, and the page it lands on has no token in its address.
  'referrer-policy': 'same-origin',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'cache-control': 'no-store',
};

/** A new random session token (256 bits, URL-safe). */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Constant-time comparison of two strings (different lengths are simply unequal). */
export function sameSecret(a: string | undefined, b: string): boolean {
  if (a === undefined) return false;
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

/** The CSRF token of a session: derived from its token, so it needs no storage and dies with the session. */
export function csrfTokenFor(sessionToken: string): string {
  return createHmac('sha256', sessionToken).update('csrf').digest('base64url');
}

/**
 * A token binding a confirmed action to the dry run that showed it (`what`: the action and the ids it covers), so an
 * execute form can only run what a dry run listed.
 */
export function planTokenFor(sessionToken: string, what: string): string {
  return createHmac('sha256', sessionToken).update(`plan\n${what}`).digest('base64url');
}

/** The hosts a request may name: the loopback address and `localhost`, each with our port. */
export function allowedHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`];
}

/** Whether the `Host` header names us (case-insensitive, as host names are). */
export function hostAllowed(host: string | undefined, port: number): boolean {
  return host !== undefined && allowedHosts(port).includes(host.toLowerCase());
}

/** Whether an `Origin` header is our own origin. A POST without one is refused: every current browser sends it. */
export function originAllowed(origin: string | undefined, port: number): boolean {
  return origin !== undefined && allowedHosts(port).some((host) => origin.toLowerCase() === `http://${host}`);
}

/** The value of one cookie in a `Cookie` header. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}

/** The `Set-Cookie` value that opens a session: HttpOnly, SameSite=Strict, the whole site, gone when the browser closes. */
export function sessionCookie(token: string): string {
  return `${SESSION_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`;
}

/** What the gate decided for one request. */
export type GateDecision =
  | { readonly kind: 'pass' }
  /** The printed URL: set the cookie and redirect to `location` (the same URL without the token). */
  | { readonly kind: 'open-session'; readonly location: string }
  | { readonly kind: 'refuse'; readonly status: 401 | 403 | 405; readonly reason: string };

/** The parts of a request the gate looks at. */
export interface GateRequest {
  readonly method: string;
  readonly url: URL;
  readonly host: string | undefined;
  readonly origin: string | undefined;
  readonly cookie: string | undefined;
}

/** Host, then token (cookie, or the printed URL's `token` parameter on a GET), then method and origin. */
export function gate(request: GateRequest, session: { readonly token: string; readonly port: number }): GateDecision {
  if (!hostAllowed(request.host, session.port)) return { kind: 'refuse', status: 403, reason: 'this console answers only to 127.0.0.1 and localhost' };
  const method = request.method.toUpperCase();
  if (method !== 'GET' && method !== 'HEAD' && method !== 'POST') return { kind: 'refuse', status: 405, reason: 'method not allowed' };
  const fromUrl = request.url.searchParams.get('token') ?? undefined;
  if (method === 'GET' && fromUrl !== undefined && sameSecret(fromUrl, session.token)) {
    const clean = new URL(request.url.href);
    clean.searchParams.delete('token');
    return { kind: 'open-session', location: `${clean.pathname}${clean.search}` };
  }
  if (!sameSecret(cookieValue(request.cookie, SESSION_COOKIE), session.token)) {
    return { kind: 'refuse', status: 401, reason: 'open the console with the URL npm run console printed' };
  }
  if (method === 'POST' && !originAllowed(request.origin, session.port)) {
    return { kind: 'refuse', status: 403, reason: 'cross-origin request refused' };
  }
  return { kind: 'pass' };
}
