import { performance } from 'node:perf_hooks';
import { request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { USER, call, createSession, decodeJwtPayload, errorCode, login, rejectionOf } from './helpers.js';

describe('HTTP fault effects', () => {
  let sb: Sandbox;
  let token: string;
  beforeAll(async () => {
    sb = await startSandbox({ users: [USER], dripIntervalMs: 100 });
    token = await login(sb);
  });
  afterEach(() => sb.faults.clear());
  afterAll(() => sb.close());

  /** The faulted request of each HTTP step, made the way a probe makes it. */
  const stepRequest = async (step: string, opts: { headersTimeout?: number } = {}) => {
    if (step === 'auth.token') return call('POST', `${sb.urls.auth}/auth/login`, { body: USER, ...opts });
    if (step === 'session.create') return call('POST', `${sb.urls.backend}/api/sessions`, { token, ...opts });
    if (step === 'session.close') {
      const id = await createSession(sb, token);
      return call('DELETE', `${sb.urls.backend}/api/sessions/${id}`, { token, ...opts });
    }
    return call('GET', `${sb.urls.web}/login`, opts);
  };

  it.each([
    ['auth.token', 'http500', 500],
    ['auth.token', 'http404', 404],
    ['auth.token', 'http401', 401],
    ['session.create', 'http500', 500],
    ['session.create', 'http404', 404],
    ['session.create', 'http401', 401],
    ['session.close', 'http500', 500],
    ['session.close', 'http404', 404],
    ['session.close', 'http401', 401],
    ['web.page', 'http500', 500],
    ['web.page', 'http404', 404],
  ])('%s=%s answers %i with a JSON error', async (step, effect, status) => {
    sb.faults.set(`${step}=${effect}`);
    const res = await stepRequest(step);
    expect([res.status, res.json()]).toEqual([status, { error: 'injected fault' }]);
    expect(res.headers['x-request-id']).toBeTypeOf('string');
  });

  it.each(['auth.token', 'session.create', 'session.close', 'web.page'])(
    '%s=slow:300 answers normally after the delay',
    async (step) => {
      sb.faults.set(`${step}=slow:300`);
      const started = performance.now();
      const res = await stepRequest(step);
      expect(performance.now() - started).toBeGreaterThanOrEqual(290);
      expect(res.status).toBe(
        { 'auth.token': 200, 'session.create': 201, 'session.close': 204, 'web.page': 200 }[step],
      );
    },
  );

  it.each(['auth.token', 'session.create', 'session.close', 'web.page'])(
    '%s=hang never sends headers',
    async (step) => {
      sb.faults.set(`${step}=hang`);
      const err = await rejectionOf(stepRequest(step, { headersTimeout: 300 }));
      expect(errorCode(err)).toBe('UND_ERR_HEADERS_TIMEOUT');
      // Only the faulted endpoint hangs; the service itself is alive.
      const health = {
        'auth.token': sb.urls.auth,
        'session.create': sb.urls.backend,
        'session.close': sb.urls.backend,
        'web.page': sb.urls.web,
      }[step];
      expect((await call('GET', `${health}/health`)).status).toBe(200);
    },
  );

  it.each(['auth.token', 'session.create', 'session.close', 'web.page'])(
    '%s=reset resets the connection',
    async (step) => {
      sb.faults.set(`${step}=reset`);
      expect(errorCode(await rejectionOf(stepRequest(step)))).toBe('ECONNRESET');
    },
  );

  it.each([
    ['auth.token', `/auth/login`, 200],
    ['session.create', `/api/sessions`, 201],
  ])('%s=drip sends headers, then the body one byte per interval', async (step, path, status) => {
    sb.faults.set(`${step}=drip`);
    const base = step === 'auth.token' ? sb.urls.auth : sb.urls.backend;
    const res = await request(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(USER),
    });
    expect(res.statusCode).toBe(status);
    const declared = Number(res.headers['content-length']);
    const arrivals: { at: number; bytes: number }[] = [];
    for await (const chunk of res.body) {
      arrivals.push({ at: performance.now(), bytes: (chunk as Buffer).length });
      if (arrivals.length === 4) break;
    }
    expect(arrivals.map((a) => a.bytes)).toEqual([1, 1, 1, 1]);
    for (let i = 1; i < arrivals.length; i += 1) {
      expect((arrivals[i]?.at ?? 0) - (arrivals[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual(70);
    }
    // After ~300 ms only 4 bytes of a much longer body have arrived.
    expect(declared).toBeGreaterThan(40);
  });

  it('auth.token=malformed answers 200 JSON that does not parse', async () => {
    sb.faults.set('auth.token=malformed');
    const res = await stepRequest('auth.token');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.text).toBe('{"access_token":"ey');
    expect(() => res.json()).toThrow(SyntaxError);
  });

  it('session.create=malformed answers 201 JSON that does not parse', async () => {
    sb.faults.set('session.create=malformed');
    const res = await stepRequest('session.create');
    expect(res.status).toBe(201);
    expect(res.text.startsWith('{"session_id":"')).toBe(true);
    expect(() => res.json()).toThrow(SyntaxError);
  });

  it.each([
    ['auth.token', 'access_token', 'token_type'],
    ['session.create', 'session_id', 'created_at'],
  ])('%s=schema drops %s from an otherwise valid body', async (step, missing, kept) => {
    sb.faults.set(`${step}=schema`);
    const body = (await stepRequest(step)).json() as Record<string, unknown>;
    expect(body).not.toHaveProperty(missing);
    expect(body).toHaveProperty(kept);
  });

  it('auth.token=badaud issues a token for another audience, which the backend rejects', async () => {
    sb.faults.set('auth.token=badaud');
    const badToken = await login(sb);
    expect(decodeJwtPayload(badToken).aud).toBe('some-other-service');
    const res = await call('POST', `${sb.urls.backend}/api/sessions`, { token: badToken });
    expect([res.status, res.json()]).toEqual([401, { error: 'invalid_token', reason: 'wrong_audience' }]);
  });

  it('web.login faults only the browser (Origin-bearing) login', async () => {
    sb.faults.set('web.login=http500');
    expect((await stepRequest('auth.token')).status).toBe(200);
    const browser = await call('POST', `${sb.urls.auth}/auth/login`, { body: USER, headers: { origin: sb.urls.web } });
    expect([browser.status, browser.headers['access-control-allow-origin']]).toEqual([500, '*']);
  });

  it('faults are reversible at runtime', async () => {
    sb.faults.set('session.create=http500');
    expect((await stepRequest('session.create')).status).toBe(500);
    sb.faults.clear('session.create');
    expect((await stepRequest('session.create')).status).toBe(201);
  });
});
