import { EventEmitter, once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  at: number;
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The status this receiver answered. */
  answered: number;
}

/** How to answer one request: a status (+ headers), a hang of `delayMs` first, or a custom check of the body. */
export interface Answer {
  status: number;
  headers?: Record<string, string>;
  delayMs?: number;
}
export type Responder = (req: Omit<Received, 'answered' | 'at'>) => Answer;

/** A real HTTP receiver on 127.0.0.1: records every request, answers as told, can go down and come back on its port. */
export class Receiver {
  readonly requests: Received[] = [];
  private readonly events = new EventEmitter();
  private server: Server | undefined;
  private port = 0;
  respond: Responder = () => ({ status: 200 });

  async start(): Promise<this> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const seen = {
          method: req.method ?? '',
          path: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        };
        const answer = this.respond(seen);
        const reply = () => {
          if (res.destroyed) return;
          res.writeHead(answer.status, answer.headers).end('{}');
          this.requests.push({ ...seen, at: Date.now(), answered: answer.status });
          this.events.emit('request');
        };
        if (answer.delayMs === undefined) reply();
        else {
          const timer = setTimeout(reply, answer.delayMs);
          res.on('close', () => clearTimeout(timer));
        }
      });
    });
    server.listen(this.port, '127.0.0.1');
    await once(server, 'listening');
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Closes the port (connection refused from now on) until `start()` listens on it again. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Resolves once `n` requests were answered and `predicate` holds; rejects after `timeoutMs` (never waits forever). */
  async waitFor(
    n: number,
    timeoutMs = 10_000,
    predicate: (r: Received[]) => boolean = () => true,
  ): Promise<Received[]> {
    const deadline = Date.now() + timeoutMs;
    while (!(this.requests.length >= n && predicate(this.requests))) {
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`receiver: wanted ${n} requests within ${timeoutMs} ms, got ${this.requests.length}`);
      // Woken by the next request, or re-checked after at most 250 ms. The signal takes `once`'s listeners off the
      // emitter when the time wins; a race with a timer left them behind, 11 after 11 quiet waits (Node's
      // MaxListenersExceededWarning in the test output).
      const wake = AbortSignal.timeout(Math.min(left, 250));
      await once(this.events, 'request', { signal: wake }).catch((err: unknown) => {
        if (!wake.aborted) throw err;
      });
    }
    return this.requests;
  }
}

export function json(r: Received): Record<string, unknown> {
  return JSON.parse(r.body) as Record<string, unknown>;
}
