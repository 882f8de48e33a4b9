import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { ChatClient, USER, call, createSession, decodeJwtPayload, login, parseSse, wsBase } from './helpers.js';

describe('sandbox golden path', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await startSandbox({
      users: [USER, { email: 'other@example.test', password: 'other-password' }],
      versions: { backend: '2.3.4' },
    });
  });
  afterAll(() => sb.close());

  it('logs in, validates, creates a session, chats over WebSocket and SSE, then deletes the session', async () => {
    const login = await call('POST', `${sb.urls.auth}/auth/login`, { body: USER });
    expect(login.status).toBe(200);
    const tokens = login.json() as Record<string, unknown>;
    expect(tokens).toMatchObject({ token_type: 'Bearer', expires_in: 900 });
    expect(typeof tokens.refresh_token).toBe('string');
    const token = String(tokens.access_token);
    expect(decodeJwtPayload(token)).toMatchObject({ iss: 'sandbox-auth', aud: 'chat-backend' });

    const validated = await call('POST', `${sb.urls.auth}/auth/validate`, { body: { token } });
    expect(validated.json()).toMatchObject({ active: true, aud: 'chat-backend', sub: decodeJwtPayload(token).sub });

    const created = await call('POST', `${sb.urls.backend}/api/sessions`, {
      token,
      headers: { 'x-synthetic-probe': 'golden-path' },
    });
    expect(created.status).toBe(201);
    const sessionId = String((created.json() as Record<string, unknown>).session_id);
    expect(sb.chatSessions()).toContainEqual(expect.objectContaining({ id: sessionId, synthetic: 'golden-path' }));

    const chat = await ChatClient.open(sb, sessionId, token);
    chat.send('nonce-ws-1', 'what is the weather?');
    const completed = await chat.waitFor((f) => 'type' in f && f.type === 'agent_completed');
    expect(completed).toMatchObject({ nonce: 'nonce-ws-1' });
    const reply = String((completed as Record<string, unknown>).reply);
    expect(reply).toContain('nonce-ws-1');
    expect(chat.types()).toEqual([
      'ready',
      'ack',
      'agent_started',
      'agent_delta',
      'agent_delta',
      'agent_delta',
      'agent_completed',
    ]);
    const deltas = chat.frames
      .filter((f) => 'type' in f && f.type === 'agent_delta')
      .map((f) => String((f as Record<string, unknown>).delta));
    expect(deltas.join('')).toBe(reply);
    chat.close();

    const sse = await call('POST', `${sb.urls.backend}/api/sessions/${sessionId}/messages`, {
      token,
      headers: { accept: 'text/event-stream' },
      body: { nonce: 'nonce-sse-1', content: 'and tomorrow?' },
    });
    expect(sse.status).toBe(200);
    expect(sse.headers['content-type']).toContain('text/event-stream');
    const events = parseSse(sse.text);
    expect(events.map((e) => e.event)).toEqual([
      'ack',
      'agent_started',
      'agent_delta',
      'agent_delta',
      'agent_delta',
      'agent_completed',
    ]);
    expect(JSON.parse(events.at(-1)?.data ?? '{}')).toMatchObject({
      type: 'agent_completed',
      nonce: 'nonce-sse-1',
      reply: expect.stringContaining('nonce-sse-1'),
    });

    expect((await call('DELETE', `${sb.urls.backend}/api/sessions/${sessionId}`, { token })).status).toBe(204);
    expect(sb.chatSessions().some((s) => s.id === sessionId)).toBe(false);
    expect((await call('DELETE', `${sb.urls.backend}/api/sessions/${sessionId}`, { token })).status).toBe(404);
  });

  it('keeps the auth tables the incident story names, and no user_sessions', () => {
    expect(sb.tables().sort()).toEqual(['auth_audit_logs', 'auth_sessions', 'auth_users', 'password_reset_tokens']);
    expect(sb.tables()).not.toContain('user_sessions');
  });

  it('rejects bad credentials and bad bodies', async () => {
    const wrong = await call('POST', `${sb.urls.auth}/auth/login`, { body: { email: USER.email, password: 'nope' } });
    expect([wrong.status, wrong.json()]).toEqual([401, { error: 'invalid_credentials' }]);
    expect((await call('POST', `${sb.urls.auth}/auth/login`, { body: '{not json' })).status).toBe(400);
    expect((await call('POST', `${sb.urls.auth}/auth/login`, { body: { email: USER.email } })).status).toBe(400);
  });

  it('reports why a token is inactive and refuses it at the backend', async () => {
    const token = await login(sb);
    const [head = '', payload = ''] = token.split('.');
    const forged = `${head}.${payload}.${Buffer.from('x'.repeat(32)).toString('base64url')}`;
    expect((await call('POST', `${sb.urls.auth}/auth/validate`, { body: { token: forged } })).json()).toEqual({
      active: false,
      reason: 'bad_signature',
    });
    const noToken = await call('POST', `${sb.urls.backend}/api/sessions`);
    expect([noToken.status, noToken.json()]).toEqual([401, { error: 'invalid_token', reason: 'missing_token' }]);

    expect((await call('POST', `${sb.urls.auth}/auth/logout`, { token })).status).toBe(204);
    expect((await call('POST', `${sb.urls.auth}/auth/validate`, { body: { token } })).json()).toEqual({
      active: false,
      reason: 'revoked',
    });
    const revoked = await call('POST', `${sb.urls.backend}/api/sessions`, { token });
    expect([revoked.status, revoked.json()]).toEqual([401, { error: 'invalid_token', reason: 'revoked' }]);
  });

  it('sets the token lifetime from tokenTtlSec', async () => {
    const short = await startSandbox({ users: [USER], tokenTtlSec: 1 });
    try {
      const token = await login(short);
      const exp = Number(decodeJwtPayload(token).exp);
      const iat = Number(decodeJwtPayload(token).iat);
      expect(exp - iat).toBe(1);
    } finally {
      await short.close();
    }
  });

  it('echoes x-request-id, answers CORS preflights, health and version', async () => {
    const echoed = await call('GET', `${sb.urls.backend}/health`, { headers: { 'x-request-id': 'trace-123' } });
    expect([echoed.status, echoed.headers['x-request-id'], echoed.json()]).toEqual([
      200,
      'trace-123',
      { status: 'ok', service: 'backend' },
    ]);
    for (const url of Object.values(sb.urls)) {
      expect((await call('GET', `${url}/health`)).headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect((await call('GET', `${sb.urls.backend}/version`)).json()).toEqual({ service: 'backend', version: '2.3.4' });
    expect((await call('GET', `${sb.urls.auth}/version`)).json()).toEqual({ service: 'auth', version: '1.0.0' });
    const preflight = await call('OPTIONS', `${sb.urls.auth}/auth/login`, {
      headers: { origin: sb.urls.web, 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('*');
    expect(String(preflight.headers['access-control-allow-headers'])).toContain('x-synthetic-probe');
    const failed = await call('POST', `${sb.urls.backend}/api/sessions`);
    expect(failed.headers['access-control-allow-origin']).toBe('*');
  });

  it('guards the WebSocket upgrade: token by header or subprotocol, never by query string', async () => {
    const token = await login(sb);
    const sessionId = await createSession(sb, token);
    const status = (ws: WebSocket): Promise<number> =>
      new Promise((resolve, reject) => {
        ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.once('open', () => reject(new Error('upgrade unexpectedly accepted')));
        ws.once('error', reject);
      });
    expect(await status(new WebSocket(`${wsBase(sb)}/ws?session_id=${sessionId}`))).toBe(401);
    expect(await status(new WebSocket(`${wsBase(sb)}/ws?session_id=${sessionId}&token=${token}`))).toBe(401);
    expect(
      await status(
        new WebSocket(`${wsBase(sb)}/ws?session_id=unknown`, { headers: { authorization: `Bearer ${token}` } }),
      ),
    ).toBe(404);
    const otherUsersToken = await login(sb, { email: 'other@example.test', password: 'other-password' });
    expect(
      await status(
        new WebSocket(`${wsBase(sb)}/ws?session_id=${sessionId}`, {
          headers: { authorization: `Bearer ${otherUsersToken}` },
        }),
      ),
    ).toBe(404);

    const browserStyle = new WebSocket(`${wsBase(sb)}/ws?session_id=${sessionId}`, ['chat.v1', `bearer.${token}`]);
    const chat = new ChatClient(browserStyle);
    await chat.waitFor((f) => 'type' in f && f.type === 'ready');
    expect(browserStyle.protocol).toBe('chat.v1');
    browserStyle.send('not json');
    expect(await chat.waitFor((f) => 'type' in f && f.type === 'error')).toEqual({
      type: 'error',
      error: 'bad_message',
    });
    chat.close();
  });
});
