import { request } from 'undici';
import WebSocket from 'ws';
import type { Sandbox } from '../../src/sandbox/index.js';

export const USER = { email: 'probe@example.test', password: 'correct horse battery staple' };

export interface JsonResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: () => unknown;
}

export async function call(
  method: 'GET' | 'POST' | 'DELETE' | 'OPTIONS',
  url: string,
  options: { body?: unknown; token?: string; headers?: Record<string, string>; headersTimeout?: number } = {},
): Promise<JsonResponse> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  const res = await request(url, {
    method,
    headers,
    ...(options.body === undefined
      ? {}
      : { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) }),
    ...(options.headersTimeout === undefined ? {} : { headersTimeout: options.headersTimeout }),
  });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, text, json: () => JSON.parse(text) as unknown };
}

export async function login(sb: Sandbox, user = USER): Promise<string> {
  const res = await call('POST', `${sb.urls.auth}/auth/login`, { body: user });
  if (res.status !== 200) throw new Error(`login answered ${res.status}: ${res.text}`);
  return (res.json() as { access_token: string }).access_token;
}

export async function createSession(sb: Sandbox, token: string): Promise<string> {
  const res = await call('POST', `${sb.urls.backend}/api/sessions`, { token });
  if (res.status !== 201) throw new Error(`session create answered ${res.status}: ${res.text}`);
  return (res.json() as { session_id: string }).session_id;
}

export function decodeJwtPayload(token: string): Record<string, unknown> {
  const [, payload = ''] = token.split('.');
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}

export function errorCode(err: unknown): string | undefined {
  const e = err as { code?: unknown; cause?: { code?: unknown } };
  if (typeof e.code === 'string') return e.code;
  return typeof e.cause?.code === 'string' ? e.cause.code : undefined;
}

/** Resolves with the rejection of `promise`; fails the test if it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

export type Frame = Record<string, unknown> | { raw: string };

/**
 * A WebSocket client that records every frame, so tests wait on events (a frame, a pong,
 * a close) rather than on sleeps. Timeouts only bound a broken test.
 */
export class ChatClient {
  readonly frames: Frame[] = [];
  readonly ws: WebSocket;
  #waiters: (() => void)[] = [];
  closeCode: number | undefined;

  constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (data) => {
      const text = String(data);
      try {
        this.frames.push(JSON.parse(text) as Record<string, unknown>);
      } catch {
        this.frames.push({ raw: text });
      }
      this.#notify();
    });
    ws.on('close', (code) => {
      this.closeCode = code;
      this.#notify();
    });
  }

  static async open(sb: Sandbox, sessionId: string, token: string): Promise<ChatClient> {
    const ws = new WebSocket(`${wsBase(sb)}/ws?session_id=${sessionId}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const client = new ChatClient(ws);
    await client.waitFor((f) => 'type' in f && f.type === 'ready');
    return client;
  }

  send(nonce: string, content = 'hello'): void {
    this.ws.send(JSON.stringify({ type: 'user_message', nonce, content }));
  }

  /** Resolves once the server has answered a ping sent now: everything it sent before is in `frames`. */
  async roundTrip(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.ws.once('pong', () => resolve());
      this.ws.ping((err?: Error) => (err ? reject(err) : undefined));
    });
  }

  waitFor(predicate: (frame: Frame) => boolean, timeoutMs = 5000): Promise<Frame> {
    return this.#until(() => this.frames.find(predicate), timeoutMs, 'frame');
  }

  waitForClose(timeoutMs = 5000): Promise<number> {
    return this.#until(() => this.closeCode, timeoutMs, 'close');
  }

  types(): string[] {
    return this.frames.map((f) => ('type' in f ? String(f.type) : 'raw'));
  }

  close(): void {
    this.ws.terminate();
  }

  #until<T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no ${what} within ${timeoutMs} ms; got ${this.types().join(',')}`)),
        timeoutMs,
      );
      const test = (): void => {
        const found = check();
        if (found === undefined) return;
        clearTimeout(timer);
        this.#waiters = this.#waiters.filter((w) => w !== test);
        resolve(found);
      };
      this.#waiters.push(test);
      test();
    });
  }

  #notify(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }
}

export function wsBase(sb: Sandbox): string {
  return sb.urls.backend.replace(/^http/, 'ws');
}

/** Parses a complete SSE body into events. */
export function parseSse(text: string): { event: string; data: string }[] {
  return text
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const lines = block.split('\n');
      const event = lines.find((l) => l.startsWith('event: '))?.slice(7) ?? 'message';
      const data = lines
        .filter((l) => l.startsWith('data: '))
        .map((l) => l.slice(6))
        .join('\n');
      return { event, data };
    });
}
