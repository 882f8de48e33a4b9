import type { ZodType } from 'zod';
import { performance } from 'node:perf_hooks';
import type { ConnectionOptions } from 'node:tls';
import WebSocket from 'ws';
import { StepFailure } from '../journey/errors.js';
import type { CookieJar } from 'tough-cookie';
import type { WaitOptions, WsClient, WsConnection, WsConnectOptions, WsFrames } from '../journey/step-clients.js';
import type { HttpEvidence } from '../journey/result-schema.js';
import type { JourneyResources, StepKind, StepScope } from '../journey/step-ports.js';
import { cookieHeader, journeyCookies, storeCookies } from './cookie-jar.js';
import { MessageQueue } from './message-queue.js';
import { checkOptions, WsOptionsSchema } from './request-options.js';
import { type Framing, framingFor } from './ws-frames.js';
import { requestHeaders, headerValue } from './http.js';
import { statusFailure } from './response-checks.js';
import { remainingMs, safeUrl } from './scope.js';
import { withDeadline } from '../journey/with-deadline.js';

export type { WsClient, WsConnection, WsConnectOptions } from '../journey/step-clients.js';

/** `ctx.ws`: the `ws` package; connections live until the journey ends. */
export const wsKind: StepKind<'ws'> = {
  name: 'ws',
  forJourney: (resources, settings) => (scope) =>
    createWsClient(scope, resources, settings.maxBodyBytes, settings.tlsFor, journeyCookies(resources)),
};

/** The connection outlives its step; it is closed when the journey ends. */
export function createWsClient(
  scope: StepScope,
  resources: JourneyResources,
  maxPayload: number,
  tlsFor?: (url: string) => ConnectionOptions | undefined,
  jar?: CookieJar,
): WsClient {
  async function connect(url: string, given: WsConnectOptions<WsFrames> | undefined): Promise<WsConnection<unknown>> {
    const options = checkOptions(WsOptionsSchema, given, 'ctx.ws.connect()');
    const framing = framingFor(options.frames);
    const offered = options.protocols ?? [];
    const headers = requestHeaders(scope, options);
    for (const credential of subprotocolCredentials(offered)) scope.markSecret(credential);
    const pending = cookieHeader(jar, url, headers.cookie);
    const cookie = pending instanceof Promise ? await pending : pending;
    if (cookie !== undefined) headers.cookie = cookie;
    const started = performance.now();
    const socket = new WebSocket(url, offered, {
      headers,
      // A backstop past the deadline: the step's signal ends a stalled handshake first, so it reads `timeout`.
      handshakeTimeout: remainingMs(scope) + 1_000,
      followRedirects: false,
      maxPayload,
      ...tlsFor?.(url),
    });
    const link = new WsLink(socket, framing, maxPayload);
    resources.onClose(() => link.closeAtRunEnd());
    await handshake(socket, { scope, url, started, offered, jar }, () => link.watchFrameCap());
    return {
      send: (message) => socket.send(framing.encode(message)),
      waitFor: (first: unknown, second?: unknown, third?: unknown) => {
        const { accept, parse, opts } = waitArguments(first, second, third);
        return link.queue.waitFor(accept, opts.signal ?? resources.current().abort, opts).then(parse);
      },
      get messages() {
        return link.queue.received;
      },
      protocol: socket.protocol,
      close: () => link.close(),
    };
  }
  return { connect: connect as WsClient['connect'] };
}

/**
 * A socket's messages and its end: the messages decoded into a bounded queue, and a close the prober did not ask
 * for ends the waits on it as a network failure.
 */
class WsLink {
  private closedByUs = false;
  private readonly closed: Promise<void>;
  readonly queue: MessageQueue<unknown>;

  constructor(
    private readonly socket: WebSocket,
    framing: Framing,
    private readonly maxPayload: number,
  ) {
    // Bounded (count, and bytes by the body cap): a flooding server fails the wait and has its connection cut.
    this.queue = new MessageQueue<unknown>({
      what: 'WebSocket connection',
      maxBytes: maxPayload,
      onOverflow: () => {
        this.closedByUs = true;
        socket.terminate();
      },
    });
    this.closed = new Promise<void>((r) => socket.once('close', () => r()));
    socket.on('message', (data: Buffer, isBinary) => {
      try {
        const message = framing.decode(data, isBinary);
        if (message !== undefined) this.queue.push(message, data.length);
      } catch (err) {
        this.queue.pushError(err as Error);
      }
    });
    socket.on('close', (code) => {
      if (!this.closedByUs) {
        this.queue.end(
          new StepFailure(
            'network',
            `WebSocket closed by the server with code ${code} after ${this.queue.received.length} messages`,
          ),
        );
      }
    });
  }

  /** Once open: a frame over the cap is the server's, and fails the waits as a broken contract. */
  watchFrameCap(): void {
    this.socket.on('error', (err: Error & { code?: string }) => {
      if (err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
        this.queue.end(new StepFailure('contract', `a WebSocket frame exceeded the ${this.maxPayload}-byte cap`));
      }
    });
  }

  /** `conn.close()`: the closing handshake, waited for up to a second, then the connection cut. */
  async close(): Promise<void> {
    this.closedByUs = true;
    if (this.socket.readyState === WebSocket.OPEN) this.socket.close(1000);
    else this.socket.terminate();
    await withDeadline(this.closed, 1000, () => undefined, { unref: true });
    this.socket.terminate();
  }

  /**
   * At the run's end the closing handshake is started, not waited for: the server's answer is not evidence, and
   * waiting for it put a round trip (and the server's turn on a busy machine) into every run's duration. A server
   * that does not finish it within a second has the connection cut.
   */
  closeAtRunEnd(): void {
    const { socket } = this;
    if (socket.readyState === WebSocket.CLOSED) return;
    this.closedByUs = true;
    if (socket.readyState !== WebSocket.OPEN) {
      socket.terminate();
      return;
    }
    socket.close(1000);
    const cut = setTimeout(() => socket.terminate(), 1_000).unref();
    socket.once('close', () => clearTimeout(cut));
  }
}

/** What the upgrade is judged with: the step, the URL, when it started, the subprotocols offered, the cookies. */
interface Upgrade {
  scope: StepScope;
  url: string;
  started: number;
  offered: readonly string[];
  jar: CookieJar | undefined;
}

/**
 * Settles when the upgrade does. Its response is evidence either way; a refused upgrade fails with the server's
 * status, and the step's deadline cuts a stalled one. `onOpen` runs as the socket opens, before any frame is read.
 */
function handshake(socket: WebSocket, u: Upgrade, onOpen: () => void): Promise<void> {
  const { scope, url } = u;
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => socket.terminate();
    scope.abort.addEventListener('abort', onAbort, { once: true });
    const record = (status: number | undefined, requestId?: string) => {
      const headersMs = performance.now() - u.started;
      // By assignment in the schema's key order, as for HTTP: the upgrade of every run's socket passes here.
      const entry = { method: 'GET', url: safeUrl(url) } as HttpEvidence;
      if (status !== undefined) entry.status = status;
      if (requestId !== undefined) entry.requestId = requestId;
      entry.timings = { headersMs };
      scope.recordHttp(entry);
    };
    socket.once('unexpected-response', (_req, res) => {
      record(res.statusCode, headerValue(res.headers['x-request-id']));
      res.resume();
      socket.terminate();
      reject(statusFailure(res.statusCode ?? 0, `WebSocket upgrade ${safeUrl(url)}`, 101));
    });
    // `ws` refuses a handshake whose subprotocol answer is wrong with a code-less Error; judged here, it is the
    // server breaking the WebSocket contract (RFC 6455 §4.1), not a probe bug.
    let handshakeFailure: StepFailure | undefined;
    socket.once('upgrade', (res) => {
      record(res.statusCode, headerValue(res.headers['x-request-id']));
      handshakeFailure = subprotocolFailure(u.offered, headerValue(res.headers['sec-websocket-protocol']));
      void storeCookies(u.jar, url, res.headers['set-cookie'], scope.markSecret);
    });
    socket.once('error', (err) => reject(scope.abort.aborted ? scope.abort.reason : (handshakeFailure ?? err)));
    socket.once('open', () => {
      scope.abort.removeEventListener('abort', onAbort);
      onOpen();
      resolve();
    });
  });
}

/** Tokens carried as subprotocols (`bearer.<token>`, `jwt.<token>`): registered as secrets before anything is sent. */
export function subprotocolCredentials(protocols: readonly string[]): string[] {
  return protocols.flatMap((p) => /^(?:bearer|jwt)\.(.+)$/i.exec(p)?.[1] ?? []);
}

/** The server's subprotocol answer checked against what was offered; undefined when it is acceptable. */
export function subprotocolFailure(offered: readonly string[], selected: string | undefined): StepFailure | undefined {
  // Credential-carrying protocols are never named, not even redacted.
  const names = offered.filter((p) => subprotocolCredentials([p]).length === 0);
  const list = names.length === 0 ? 'a token' : names.join(', ');
  if (offered.length > 0 && selected === undefined) {
    return new StepFailure(
      'contract',
      `the server accepted the WebSocket upgrade without selecting any offered subprotocol (${list})`,
    );
  }
  if (selected !== undefined && !offered.includes(selected)) {
    const what = offered.length === 0 ? 'although none was offered' : `that was not offered (${list})`;
    return new StepFailure('contract', `the server selected a WebSocket subprotocol ${what}`);
  }
  return undefined;
}

type Predicate = (message: unknown, receivedAt: number) => boolean;

/** `waitFor(predicate, options?)` or `waitFor(schema, predicate?, options?)`, as one matcher and one result parser. */
function waitArguments(
  first: unknown,
  second: unknown,
  third: unknown,
): { accept: Predicate; parse: (m: unknown) => unknown; opts: WaitOptions } {
  if (typeof first === 'function')
    return { accept: first as Predicate, parse: (m) => m, opts: (second ?? {}) as WaitOptions };
  const schema = first as ZodType;
  const keep = typeof second === 'function' ? (second as Predicate) : () => true;
  const opts = ((typeof second === 'function' ? third : second) ?? {}) as WaitOptions;
  return {
    accept: (m, at) => {
      const parsed = schema.safeParse(m);
      return parsed.success && keep(parsed.data, at);
    },
    parse: (m) => schema.parse(m),
    opts,
  };
}
