import { performance } from 'node:perf_hooks';
import type { ConnectionOptions } from 'node:tls';
import { buildConnector, Client, Dispatcher, errors } from 'undici';
import type { JourneyResources } from '../journey/step-ports.js';

/**
 * The one error every connection still open at a run's end is destroyed with. Left to itself undici makes a new
 * ClientDestroyedError per connection, and Node's stream `destroy(err)` formats its stack (source-mapped, when the
 * process has source maps on): on the success path of every run. Its stack is formatted once, here.
 */
const RUN_ENDED = new errors.ClientDestroyedError();
void RUN_ENDED.stack;

/** The connect of one client's current socket, waiting for the request that opened it to claim it. */
interface ConnectTiming {
  /** The deadline of the request last handed to the client: a connect made for it ends by then. */
  deadline: number;
  connectMs: number | undefined;
}

/** Connection evidence for one request: timed when it opened the connection, `reused` when it rode an earlier one. */
export type ConnectEvidence = { connectMs: number; reused?: true } | Record<string, never>;

/**
 * Travels with one request as undici's `opaque`, so the pool tells it which connection served it. Claimed once,
 * when its headers arrive or it fails.
 */
export class RequestTag {
  timing: ConnectTiming | undefined;
  constructor(readonly deadline: number) {}

  connect(): ConnectEvidence {
    const timing = this.timing;
    // Never handed to a connection (aborted while queued): nothing was connected for it.
    if (timing === undefined) return {};
    const ms = timing.connectMs;
    timing.connectMs = undefined;
    return ms === undefined ? { connectMs: 0, reused: true } : { connectMs: ms };
  }
}

/**
 * One connection per client, one request at a time on it (undici's default pipelining of 1): the first request to
 * hear back after a connect is the one that was sent on the new socket, so the connect is attributed exactly.
 */
class TimedClient extends Client {
  private readonly timing: ConnectTiming;

  constructor(origin: string | URL, options: Client.Options, tls: ConnectionOptions | undefined) {
    const timing: ConnectTiming = { deadline: Date.now(), connectMs: undefined };
    super(origin, {
      ...options,
      connect: (opts, cb) => {
        const t0 = performance.now();
        // Built per connect so its timeout is what is left of the step that asked (undici's default is 10 s).
        buildConnector({ timeout: Math.max(1, timing.deadline - Date.now()), ...tls })(opts, (...args) => {
          timing.connectMs = performance.now() - t0;
          cb(...args);
        });
      },
    });
    this.timing = timing;
  }

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    // `request()` passes its options, `opaque` included, down to the client that takes the request.
    const tag = (options as { opaque?: unknown }).opaque;
    if (tag instanceof RequestTag) {
      tag.timing = this.timing;
      this.timing.deadline = tag.deadline;
    }
    return super.dispatch(options, handler);
  }
}

/**
 * The HTTP connections of one journey run, as a real client keeps them: the first request to an origin connects
 * (its connect and TLS time are evidence), later ones reuse an idle connection, concurrent ones open more. Fresh for
 * every journey run and every attempt, so each run measures its own connects; destroyed when the run ends (after an
 * abort or a timeout too), so no socket outlives it.
 *
 * Not undici's Pool: it marks a connection free again only a full event-loop turn after its response (when undici
 * checks the idle socket), so a request sent right after the previous one's body was read, as a step's next request
 * usually is, would open a second connection. Here a connection with nothing queued or running is taken at once;
 * undici still checks the idle socket before writing to it.
 */
export class JourneyPool extends Dispatcher {
  private readonly clients = new Map<string, TimedClient[]>();
  private ended = false;

  constructor(private readonly tlsFor: ((url: string) => ConnectionOptions | undefined) | undefined) {
    super();
  }

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    const origin = String(options.origin);
    if (this.ended) {
      // A cleanup that runs after the run's connections were closed (a `ctx.defer` registered before the first
      // request) gets a connection of its own, closed once its request is done.
      const client = new TimedClient(origin, {}, this.tlsFor?.(origin));
      const accepted = client.dispatch(options, handler);
      void client.close().catch(() => undefined);
      return accepted;
    }
    const list = this.clients.get(origin) ?? [];
    this.clients.set(origin, list);
    let client = list.find((c) => !c.closed && !c.destroyed && c.stats.size === 0);
    if (client === undefined) {
      client = new TimedClient(origin, {}, this.tlsFor?.(origin));
      list.push(client);
    }
    client.dispatch(options, handler);
    return true;
  }

  override async close(): Promise<void> {
    this.ended = true;
    await Promise.all(this.take().map((c) => c.close()));
  }

  override async destroy(): Promise<void> {
    this.ended = true;
    await Promise.all(this.take().map((c) => c.destroy(RUN_ENDED)));
  }

  private take(): TimedClient[] {
    const all = [...this.clients.values()].flat();
    this.clients.clear();
    return all;
  }
}

const pools = new WeakMap<JourneyResources, JourneyPool>();

/** The run's pool, made on its first request and destroyed by the run's cleanup (like its cookie jar). */
export function journeyPool(
  resources: JourneyResources,
  tlsFor: ((url: string) => ConnectionOptions | undefined) | undefined,
): JourneyPool {
  let pool = pools.get(resources);
  if (pool === undefined) {
    const made = new JourneyPool(tlsFor);
    pool = made;
    pools.set(resources, made);
    resources.onClose(() => made.destroy().catch(() => undefined));
  }
  return pool;
}
