import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { performance } from 'node:perf_hooks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { ChatClient, USER, call, errorCode, login, wsBase, type Frame } from './helpers.js';

const SEQUENCE = ['agent_started', 'agent_thinking', 'tool_executing', 'tool_completed', 'agent_completed'];
const payloadOf = (f: Frame): Record<string, unknown> => ('payload' in f ? (f.payload as Record<string, unknown>) : {});
const isType = (type: string, messageId?: string) => (f: Frame) =>
  'type' in f && f.type === type && (messageId === undefined || payloadOf(f).message_id === messageId);

describe('agent WebSocket (jwt-auth subprotocol dialect)', () => {
  let sb: Sandbox;
  let token: string;
  const clients: ChatClient[] = [];
  const socket = (protocols: string[], options: WebSocket.ClientOptions = {}) =>
    new WebSocket(`${wsBase(sb)}/agent/ws`, protocols, { handshakeTimeout: 2000, ...options });
  const open = async (): Promise<ChatClient> => {
    const client = new ChatClient(socket(['jwt-auth', `jwt.${token}`]));
    clients.push(client);
    await client.waitFor(isType('connection_established'));
    return client;
  };
  const send = (client: ChatClient, messageId: string, content = 'what is the weather') =>
    client.ws.send(JSON.stringify({ type: 'user_message', payload: { message_id: messageId, content } }));
  const refusal = (ws: WebSocket) =>
    new Promise<number>((resolve, reject) => {
      ws.once('unexpected-response', (_req, res: IncomingMessage) => resolve(res.statusCode ?? 0));
      ws.once('open', () => reject(new Error('upgrade accepted')));
      ws.once('error', reject);
    });

  beforeAll(async () => {
    sb = await startSandbox({ users: [USER] });
    token = await login(sb);
  });
  afterEach(() => {
    sb.faults.clear();
    for (const client of clients.splice(0)) client.close();
  });
  afterAll(() => sb.close());

  it('selects jwt-auth without echoing the token, greets, and answers our message with the whole sequence', async () => {
    const ws = socket(['jwt-auth', `jwt.${token}`]);
    const echoed = new Promise<unknown>((resolve) =>
      ws.once('upgrade', (res) => resolve(res.headers['sec-websocket-protocol'])),
    );
    const client = new ChatClient(ws);
    clients.push(client);
    const greeting = await client.waitFor(isType('connection_established'));
    expect(await echoed).toBe('jwt-auth');
    expect(ws.protocol).toBe('jwt-auth');
    expect(payloadOf(greeting).user_id).toEqual(expect.any(String));

    const id = randomUUID();
    send(client, id);
    const done = await client.waitFor(isType('agent_completed', id));
    expect(client.types()).toEqual(['connection_established', ...SEQUENCE]);
    const events = client.frames.slice(1);
    expect(events.every((f) => payloadOf(f).message_id === id)).toBe(true);
    expect(new Set(events.map((f) => payloadOf(f).run_id)).size).toBe(1);
    expect(events.every((f) => 'timestamp' in f && typeof f.timestamp === 'string')).toBe(true);
    expect(payloadOf(events[2]!).tool_call_id).toBe(payloadOf(events[3]!).tool_call_id);
    expect(String(payloadOf(done).reply)).toContain(id);
  });

  it('keeps two messages in flight apart: every event names its own message_id', async () => {
    const client = await open();
    const [a, b] = [randomUUID(), randomUUID()];
    send(client, a);
    send(client, b);
    await Promise.all([client.waitFor(isType('agent_completed', a)), client.waitFor(isType('agent_completed', b))]);
    for (const id of [a, b]) {
      const mine = client.frames.filter((f) => payloadOf(f).message_id === id).map((f) => ('type' in f ? f.type : ''));
      expect(mine).toEqual(SEQUENCE);
    }
  });

  it('answers a message it cannot read with an error frame and stays open', async () => {
    const client = await open();
    client.ws.send(JSON.stringify({ type: 'user_message', nonce: 'old-dialect', content: 'hi' }));
    const error = await client.waitFor(isType('error'));
    expect(payloadOf(error).error).toBe('bad_message');
    const id = randomUUID();
    send(client, id);
    await client.waitFor(isType('agent_completed', id));
  });

  // Protocols are built from the token at run time: the table is evaluated before beforeAll logs in.
  it.each([
    ['no token at all', () => ['jwt-auth'], 401],
    ['a token the auth service does not know', () => ['jwt-auth', 'jwt.not-a-token'], 401],
    ['the token without the jwt-auth protocol', (t: string) => ['chat.v1', `jwt.${t}`], 400],
  ] as const)('refuses the upgrade with %s', async (_what, protocols, status) => {
    expect(await refusal(socket(protocols(token)))).toBe(status);
  });

  it('refuses a bearer header on this endpoint: only the dialect authenticates', async () => {
    expect(await refusal(socket([], { headers: { authorization: `Bearer ${token}` } }))).toBe(400);
    expect(await refusal(socket(['jwt-auth'], { headers: { authorization: `Bearer ${token}` } }))).toBe(401);
  });

  it('refuses a token after logout (validated with the auth service on every upgrade)', async () => {
    const revoked = await login(sb);
    expect((await call('POST', `${sb.urls.auth}/auth/logout`, { token: revoked })).status).toBe(204);
    expect(await refusal(socket(['jwt-auth', `jwt.${revoked}`]))).toBe(401);
  });

  it.each([
    ['toolstuck', 'tool_executing', ['agent_started', 'agent_thinking', 'tool_executing']],
    ['silent', 'agent_started', ['agent_started']],
  ])('agent.reply=%s stops after %s and keeps the socket open', async (effect, last, expected) => {
    sb.faults.set(`agent.reply=${effect}`);
    const client = await open();
    const id = randomUUID();
    send(client, id);
    await client.waitFor(isType(last, id));
    // The faulted exchange sends nothing after its last event; the pong proves nothing else was in flight.
    await client.roundTrip();
    expect(client.types()).toEqual(['connection_established', ...expected]);
    expect(client.closeCode).toBeUndefined();
  });

  it.each([
    ['outoforder', ['agent_started', 'agent_thinking', 'tool_completed', 'tool_executing', 'agent_completed']],
    ['completedonly', ['agent_completed']],
  ])('agent.reply=%s sends %j', async (effect, expected) => {
    sb.faults.set(`agent.reply=${effect}`);
    const client = await open();
    const id = randomUUID();
    send(client, id);
    await client.waitFor(isType('agent_completed', id));
    expect(client.types()).toEqual(['connection_established', ...expected]);
  });

  it('agent.reply=close closes with 1011 after agent_thinking', async () => {
    sb.faults.set('agent.reply=close');
    const client = await open();
    send(client, randomUUID());
    expect(await client.waitForClose()).toBe(1011);
    expect(client.types()).toEqual(['connection_established', 'agent_started', 'agent_thinking']);
  });

  it('agent.reply=wrongmessage sends the whole sequence for a message we never sent', async () => {
    sb.faults.set('agent.reply=wrongmessage');
    const client = await open();
    const id = randomUUID();
    send(client, id);
    await client.waitFor(isType('agent_completed'));
    expect(client.types()).toEqual(['connection_established', ...SEQUENCE]);
    expect(client.frames.slice(1).some((f) => payloadOf(f).message_id === id)).toBe(false);
  });

  it('agent.reply=slow:300 delays the first event', async () => {
    sb.faults.set('agent.reply=slow:300');
    const client = await open();
    const id = randomUUID();
    const sent = performance.now();
    send(client, id);
    await client.waitFor(isType('agent_started', id));
    expect(performance.now() - sent).toBeGreaterThanOrEqual(290);
  });

  it.each([
    ['http401', 401],
    ['http500', 500],
  ])('agent.connect=%s rejects the upgrade with %i', async (effect, status) => {
    sb.faults.set(`agent.connect=${effect}`);
    expect(await refusal(socket(['jwt-auth', `jwt.${token}`]))).toBe(status);
  });

  it('agent.connect=reset resets the connection; the chat endpoint is not affected', async () => {
    sb.faults.set('agent.connect=reset');
    const err = await new Promise<Error>((resolve) => socket(['jwt-auth', `jwt.${token}`]).once('error', resolve));
    expect(errorCode(err)).toBe('ECONNRESET');
  });

  it('agent.connect=noecho accepts the upgrade without selecting jwt-auth, which the client must refuse', async () => {
    sb.faults.set('agent.connect=noecho');
    const ws = socket(['jwt-auth', `jwt.${token}`]);
    const selected = new Promise<unknown>((resolve) =>
      ws.once('upgrade', (res) => resolve(res.headers['sec-websocket-protocol'])),
    );
    const err = await new Promise<Error>((resolve) => ws.once('error', resolve));
    expect(await selected).toBeUndefined();
    expect(err.message).toBe('Server sent no subprotocol');
  });

  it('switches agent faults at runtime through the control endpoint, and back', async () => {
    const control = (method: 'POST' | 'DELETE', path: string, body?: unknown) =>
      call(method, `${sb.urls.control}${path}`, body === undefined ? {} : { body });
    expect((await control('POST', '/faults', { fault: 'agent.reply=completedonly' })).status).toBe(204);
    const faulted = await open();
    const first = randomUUID();
    send(faulted, first);
    await faulted.waitFor(isType('agent_completed', first));
    expect(faulted.types()).toEqual(['connection_established', 'agent_completed']);

    expect((await control('DELETE', '/faults/agent.reply')).status).toBe(204);
    const second = randomUUID();
    send(faulted, second);
    await faulted.waitFor(isType('agent_completed', second));
    expect(
      faulted.frames.filter((f) => payloadOf(f).message_id === second).map((f) => ('type' in f ? f.type : '')),
    ).toEqual(SEQUENCE);
    expect((await control('POST', '/faults', { fault: 'agent.reply=bogus' })).status).toBe(400);
  });
});
