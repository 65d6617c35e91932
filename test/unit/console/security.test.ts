import { cookieValue, csrfTokenFor, gate, type GateRequest, planTokenFor, sessionCookie, SESSION_COOKIE } from '../../../tools/console/security';

const token = 'the-session-token';
const port = 3300;
const session = { token, port };

/** A request that passes the gate; each test changes one thing. */
function request(overrides: Partial<GateRequest> = {}): GateRequest {
  return {
    method: 'GET',
    url: new URL(`http://127.0.0.1:${port}/`),
    host: `127.0.0.1:${port}`,
    origin: undefined,
    cookie: `${SESSION_COOKIE}=${token}`,
    ...overrides,
  };
}

describe('console gate', () => {
  it('lets a request with the session cookie through', () => {
    expect(gate(request(), session)).toEqual({ kind: 'pass' });
    expect(gate(request({ host: `localhost:${port}` }), session)).toEqual({ kind: 'pass' });
  });

  it('answers 401 without the cookie, or with a wrong one', () => {
    expect(gate(request({ cookie: undefined }), session)).toMatchObject({ kind: 'refuse', status: 401 });
    expect(gate(request({ cookie: `${SESSION_COOKIE}=guess` }), session)).toMatchObject({ kind: 'refuse', status: 401 });
    expect(gate(request({ cookie: `other=${token}` }), session)).toMatchObject({ kind: 'refuse', status: 401 });
  });

  it('trades the printed URL token for the cookie and sends the browser to the same page without it', () => {
    const url = new URL(`http://127.0.0.1:${port}/jobs?status=failed&token=${token}`);
    expect(gate(request({ cookie: undefined, url }), session)).toEqual({ kind: 'open-session', location: '/jobs?status=failed' });
  });

  it('does not open a session for a wrong token, or for a token sent with a POST', () => {
    expect(gate(request({ cookie: undefined, url: new URL(`http://127.0.0.1:${port}/?token=nope`) }), session)).toMatchObject({ status: 401 });
    const post = request({ method: 'POST', cookie: undefined, origin: `http://127.0.0.1:${port}`, url: new URL(`http://127.0.0.1:${port}/x?token=${token}`) });
    expect(gate(post, session)).toMatchObject({ status: 401 });
  });

  it('refuses a Host that is not the loopback address and our port, even with the token (DNS rebinding)', () => {
    for (const host of ['evil.example:3300', '127.0.0.1:3301', '127.0.0.1', undefined, '0.0.0.0:3300', '[::1]:3300']) {
      expect(gate(request({ host }), session)).toMatchObject({ kind: 'refuse', status: 403 });
    }
  });

  it('refuses a POST without an Origin, or from another origin', () => {
    expect(gate(request({ method: 'POST' }), session)).toMatchObject({ status: 403 });
    for (const origin of ['http://evil.example', `http://127.0.0.1:${port + 1}`, `https://127.0.0.1:${port}`, 'null']) {
      expect(gate(request({ method: 'POST', origin }), session)).toMatchObject({ status: 403 });
    }
    expect(gate(request({ method: 'POST', origin: `http://127.0.0.1:${port}` }), session)).toEqual({ kind: 'pass' });
  });

  it('allows only GET, HEAD and POST', () => {
    for (const method of ['PUT', 'DELETE', 'PATCH', 'OPTIONS']) expect(gate(request({ method }), session)).toMatchObject({ status: 405 });
  });
});

describe('console session tokens', () => {
  it('sets the cookie HttpOnly and SameSite=Strict for the whole site', () => {
    expect(sessionCookie(token)).toBe(`${SESSION_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`);
  });

  it('reads one cookie among several', () => {
    expect(cookieValue(`a=1; ${SESSION_COOKIE}=x=y; b=2`, SESSION_COOKIE)).toBe('x=y');
    expect(cookieValue(undefined, SESSION_COOKIE)).toBeUndefined();
  });

  it('derives CSRF and plan tokens from the session token: another session cannot forge them', () => {
    expect(csrfTokenFor(token)).toBe(csrfTokenFor(token));
    expect(csrfTokenFor(token)).not.toBe(csrfTokenFor('another'));
    expect(planTokenFor(token, 'replay\na')).not.toBe(planTokenFor(token, 'replay\nb'));
    expect(planTokenFor(token, 'replay\na')).not.toBe(csrfTokenFor(token));
  });
});
