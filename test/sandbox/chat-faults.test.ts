import { performance } from 'node:perf_hooks';
import { request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { ChatClient, USER, call, createSession, errorCode, login, parseSse, wsBase, type Frame } from './helpers.js';

const isType = (type: string) => (f: Frame) => 'type' in f && f.type === type;

describe('chat fault effects', () => {
  let sb: Sandbox;
  let token: string;
  let sessionId: string;
  const clients: ChatClient[] = [];
  const open = async (): Promise<ChatClient> => {
    const client = await ChatClient.open(sb, sessionId, token);
    clients.push(client);
    return client;
  };
  const connect = () =>
    new WebSocket(`${wsBase(sb)}/ws?session_id=${sessionId}`, {
      headers: { authorization: `Bearer ${token}` },
      handshakeTimeout: 300,
    });

  beforeAll(async () => {
    sb = await startSandbox({ users: [USER], replyDeltas: 2 });
    token = await login(sb);
    sessionId = await createSession(sb, token);
  });
  afterEach(() => {
    sb.faults.clear();
    for (const client of clients.splice(0)) client.close();
  });
  afterAll(() => sb.close());

  it.each([
    ['http401', 401],
    ['http500', 500],
    ['http404', 404],
  ])('chat.connect=%s rejects the upgrade with %i', async (effect, status) => {
    sb.faults.set(`chat.connect=${effect}`);
    const ws = connect();
    const code = await new Promise<number>((resolve, reject) => {
      ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.once('open', () => reject(new Error('upgrade accepted')));
    });
    expect(code).toBe(status);
  });

  it('chat.connect=hang never completes the handshake', async () => {
    sb.faults.set('chat.connect=hang');
    const err = await new Promise<Error>((resolve) => connect().once('error', resolve));
    expect(err.message).toMatch(/handshake has timed out/);
  });

  it('chat.connect=reset resets the connection', async () => {
    sb.faults.set('chat.connect=reset');
    const err = await new Promise<Error>((resolve) => connect().once('error', resolve));
    expect(errorCode(err)).toBe('ECONNRESET');
  });

  it('chat.connect=slow:300 connects after the delay', async () => {
    sb.faults.set('chat.connect=slow:300');
    const started = performance.now();
    await open();
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('chat.send=silent: no ack, socket alive', async () => {
    sb.faults.set('chat.send=silent');
    const chat = await open();
    chat.send('n-silent');
    await chat.roundTrip();
    expect(chat.types()).toEqual(['ready']);
  });

  it('chat.send=close closes with 1011 instead of acknowledging', async () => {
    sb.faults.set('chat.send=close');
    const chat = await open();
    chat.send('n-close');
    expect(await chat.waitForClose()).toBe(1011);
    expect(chat.types()).toEqual(['ready']);
  });

  it('chat.send=malformed sends a non-JSON frame instead of the ack', async () => {
    sb.faults.set('chat.send=malformed');
    const chat = await open();
    chat.send('n-bad');
    await chat.waitFor((f) => 'raw' in f);
    await chat.roundTrip();
    expect(chat.types()).toEqual(['ready', 'raw']);
  });

  it('chat.reply=silent acknowledges and then says nothing, while answering pings', async () => {
    sb.faults.set('chat.reply=silent');
    const chat = await open();
    chat.send('n-1');
    await chat.waitFor(isType('ack'));
    // A normal reply sends agent_started together with the ack; after a ping round trip it would be here.
    await chat.roundTrip();
    expect(chat.types()).toEqual(['ready', 'ack']);
    expect(chat.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('chat.reply=close closes with 1011 after one delta', async () => {
    sb.faults.set('chat.reply=close');
    const chat = await open();
    chat.send('n-2');
    expect(await chat.waitForClose()).toBe(1011);
    expect(chat.types()).toEqual(['ready', 'ack', 'agent_started', 'agent_delta']);
  });

  it('chat.reply=empty completes with an empty reply', async () => {
    sb.faults.set('chat.reply=empty');
    const chat = await open();
    chat.send('n-3');
    expect(await chat.waitFor(isType('agent_completed'))).toEqual({ type: 'agent_completed', nonce: 'n-3', reply: '' });
  });

  it('chat.reply=wrongnonce completes a different message, then nothing', async () => {
    sb.faults.set('chat.reply=wrongnonce');
    const chat = await open();
    chat.send('n-4');
    const done = (await chat.waitFor(isType('agent_completed'))) as Record<string, unknown>;
    expect(done.nonce).not.toBe('n-4');
    expect(String(done.reply)).toContain(String(done.nonce));
    expect(String(done.reply)).not.toContain('n-4');
    await chat.roundTrip();
    expect(chat.frames.filter((f) => 'nonce' in f && f.nonce === 'n-4').map((f) => 'type' in f && f.type)).toEqual([
      'ack',
    ]);
  });

  it('chat.reply=malformed sends a non-JSON frame instead of the events', async () => {
    sb.faults.set('chat.reply=malformed');
    const chat = await open();
    chat.send('n-5');
    await chat.waitFor((f) => 'raw' in f);
    expect(chat.types()).toEqual(['ready', 'ack', 'raw']);
  });

  it('chat.reply=slow:300 starts the reply after the delay', async () => {
    sb.faults.set('chat.reply=slow:300');
    const chat = await open();
    const started = performance.now();
    chat.send('n-6');
    await chat.waitFor(isType('ack'));
    await chat.waitFor(isType('agent_started'));
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect(await chat.waitFor(isType('agent_completed'))).toMatchObject({
      nonce: 'n-6',
      reply: expect.stringContaining('n-6'),
    });
  });

  const sse = async (nonce: string) => {
    const res = await request(`${sb.urls.backend}/api/sessions/${sessionId}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream', 'content-type': 'application/json' },
      body: JSON.stringify({ nonce, content: 'hi' }),
    });
    return { status: res.statusCode, body: res.body };
  };

  it('applies chat.reply faults to the SSE variant too', async () => {
    sb.faults.set('chat.reply=empty');
    const empty = await sse('s-1');
    expect(parseSse(await empty.body.text()).map((e) => [e.event, JSON.parse(e.data)])).toEqual([
      ['ack', { type: 'ack', nonce: 's-1' }],
      ['agent_started', { type: 'agent_started', nonce: 's-1' }],
      ['agent_completed', { type: 'agent_completed', nonce: 's-1', reply: '' }],
    ]);

    sb.faults.set('chat.reply=close');
    const cut = await sse('s-2');
    expect(cut.status).toBe(200);
    await expect(cut.body.text()).rejects.toThrow();

    sb.faults.set('chat.reply=wrongnonce');
    const wrong = parseSse(await (await sse('s-3')).body.text());
    const completed = JSON.parse(wrong.at(-1)?.data ?? '{}') as Record<string, unknown>;
    expect([wrong.at(-1)?.event, completed.nonce === 's-3']).toEqual(['agent_completed', false]);
  });

  it('rejects SSE messages for unknown sessions and bad bodies', async () => {
    expect(
      (
        await call('POST', `${sb.urls.backend}/api/sessions/nope/messages`, {
          token,
          body: { nonce: 'x', content: 'y' },
        })
      ).status,
    ).toBe(404);
    expect(
      (await call('POST', `${sb.urls.backend}/api/sessions/${sessionId}/messages`, { token, body: { content: 'y' } }))
        .status,
    ).toBe(400);
  });
});
