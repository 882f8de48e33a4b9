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
import { framingFor } from './ws-frames.js';
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
    const headers = requestHeaders(scope, options);
    for (const credential of subprotocolCredentials(options.protocols ?? [])) scope.markSecret(credential);
    const pending = cookieHeader(jar, url, headers.cookie);
    const cookie = pending instanceof Promise ? await pending : pending;
    if (cookie !== undefined) headers.cookie = cookie;
    return new Promise<WsConnection<unknown>>((resolve, reject) => {
      const started = performance.now();
      const socket = new WebSocket(url, options.protocols ?? [], {
        headers,
        // A backstop past the deadline: the step's signal ends a stalled handshake first, so it reads `timeout`.
        handshakeTimeout: remainingMs(scope) + 1_000,
        followRedirects: false,
        maxPayload,
        ...tlsFor?.(url),
      });
      // Bounded (count, and bytes by the body cap): a flooding server fails the wait and has its connection cut.
      const queue = new MessageQueue<unknown>({
        what: 'WebSocket connection',
        maxBytes: maxPayload,
        onOverflow: () => {
          closedByUs = true;
          socket.terminate();
        },
      });
      let closedByUs = false;
      const closed = new Promise<void>((r) => socket.once('close', () => r()));
      const close = async () => {
        closedByUs = true;
        if (socket.readyState === WebSocket.OPEN) socket.close(1000);
        else socket.terminate();
        await withDeadline(closed, 1000, () => undefined, { unref: true });
        socket.terminate();
      };
      // At the run's end the closing handshake is started, not waited for: the server's answer is not evidence, and
      // waiting for it put a round trip (and the server's turn on a busy machine) into every run's duration. A server
      // that does not finish it within a second has the connection cut.
      resources.onClose(() => {
        if (socket.readyState === WebSocket.CLOSED) return;
        closedByUs = true;
        if (socket.readyState !== WebSocket.OPEN) return socket.terminate();
        socket.close(1000);
        const cut = setTimeout(() => socket.terminate(), 1_000).unref();
        socket.once('close', () => clearTimeout(cut));
      });
      const onAbort = () => socket.terminate();
      scope.abort.addEventListener('abort', onAbort, { once: true });
      const record = (status: number | undefined, requestId?: string) => {
        const headersMs = performance.now() - started;
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
        handshakeFailure = subprotocolFailure(
          options.protocols ?? [],
          headerValue(res.headers['sec-websocket-protocol']),
        );
        void storeCookies(jar, url, res.headers['set-cookie'], scope.markSecret);
      });
      socket.once('error', (err) => reject(scope.abort.aborted ? scope.abort.reason : (handshakeFailure ?? err)));
      socket.on('message', (data: Buffer, isBinary) => {
        try {
          const message = framing.decode(data, isBinary);
          if (message !== undefined) queue.push(message, data.length);
        } catch (err) {
          queue.pushError(err as Error);
        }
      });
      socket.on('close', (code) => {
        if (!closedByUs) {
          queue.end(
            new StepFailure(
              'network',
              `WebSocket closed by the server with code ${code} after ${queue.received.length} messages`,
            ),
          );
        }
      });
      socket.once('open', () => {
        scope.abort.removeEventListener('abort', onAbort);
        socket.on('error', (err: Error & { code?: string }) => {
          if (err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
            queue.end(new StepFailure('contract', `a WebSocket frame exceeded the ${maxPayload}-byte cap`));
          }
        });
        resolve({
          send: (message) => socket.send(framing.encode(message)),
          waitFor: (first: unknown, second?: unknown, third?: unknown) => {
            const { accept, parse, opts } = waitArguments(first, second, third);
            return queue.waitFor(accept, opts.signal ?? resources.current().abort, opts).then(parse);
          },
          get messages() {
            return queue.received;
          },
          protocol: socket.protocol,
          close,
        });
      });
    });
  }
  return { connect: connect as WsClient['connect'] };
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
