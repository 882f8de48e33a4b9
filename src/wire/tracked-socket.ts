import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { SocketEnd } from './socket-evidence.js';

/** Whoever a socket belongs to right now: the step that opened it or last wrote on it. */
export interface SocketOwner {
  /** The journey run the owner belongs to: a journey only ever destroys sockets its own steps own. */
  readonly journey: object;
  adopt(socket: TrackedSocket, reused: boolean): void;
}

const TLS_CODE = /^(CERT_|ERR_TLS_|ERR_SSL_|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO_|HOSTNAME_MISMATCH)/;

/**
 * What the prober knows about one client socket: when it connected, finished TLS, first received a byte, and how it
 * ended. Read through per-instance `emit` and `push` wrappers rather than listeners: an `error` listener would
 * swallow an error the library never handled, a `data` listener would switch the stream to flowing mode. Ownership
 * is never decided here (these run in the socket creator's async context, not in the step using it).
 */
export class TrackedSocket {
  readonly openedAt = performance.now();
  connectedAt: number | undefined;
  secureAt: number | undefined;
  /** The step record waiting for the first byte since that step took the socket on. */
  awaitingByte: { firstByteAt: number | undefined } | undefined;
  tls = false;
  localPort: number | undefined;
  ended: SocketEnd = 'open';
  reason: string | undefined;
  owner: SocketOwner | undefined;
  private target: string;

  constructor(
    readonly socket: Socket,
    target: string | undefined,
  ) {
    this.target = target ?? '';
    const emit = socket.emit;
    const self = this;
    socket.emit = function wiredEmit(this: Socket, event: string | symbol, detail?: unknown) {
      if (event === 'connect') {
        self.connectedAt ??= performance.now();
        self.target = self.remote;
        self.localPort = socket.localPort;
      } else if (event === 'secureConnect') {
        self.secureAt ??= performance.now();
        self.tls = true;
      } else if (event === 'error') self.failed(detail);
      else if (event === 'close' && self.ended === 'open') self.ended = 'closed';
      // biome-ignore lint/complexity/noArguments: forwards every argument unchanged, at no cost per event
      return emit.apply(this, arguments as unknown as Parameters<Socket['emit']>);
    } as Socket['emit'];
    const push = socket.push;
    socket.push = function wiredPush(this: Socket, chunk: unknown) {
      if (chunk === null) {
        // EOF from the peer, before anything of ours ended the socket.
        if (self.ended === 'open') self.ended = 'peer-closed';
      } else if (self.awaitingByte !== undefined) {
        self.awaitingByte.firstByteAt = performance.now();
        self.awaitingByte = undefined;
      }
      // biome-ignore lint/complexity/noArguments: as above
      return push.apply(this, arguments as unknown as Parameters<Socket['push']>);
    };
  }

  /** `host:port` while connected; before (a refused connect) what the connect call named, after what it was. */
  get remote(): string {
    if (this.socket.destroyed) return this.target;
    const { remoteAddress, remotePort } = this.socket;
    if (remoteAddress !== undefined && remotePort !== undefined)
      return remoteAddress.includes(':') ? `[${remoteAddress}]:${remotePort}` : `${remoteAddress}:${remotePort}`;
    return this.target;
  }

  /** The step's deadline: destroyed and recorded so, if still open. */
  destroyAtDeadline(): void {
    if (this.ended !== 'open' || this.socket.destroyed) return;
    this.ended = 'destroyed-at-deadline';
    this.socket.destroy();
  }

  private failed(err: unknown): void {
    if (this.ended !== 'open' && this.ended !== 'peer-closed') return;
    const e = err as { code?: unknown; address?: unknown; port?: unknown } | undefined;
    const code = typeof e?.code === 'string' ? e.code : undefined;
    if (this.target === '' && typeof e?.address === 'string')
      this.target = `${e.address}${typeof e.port === 'number' ? `:${e.port}` : ''}`;
    this.reason = code;
    if (code === 'ECONNREFUSED') this.ended = 'refused';
    else if (code === 'ECONNRESET' || code === 'EPIPE') this.ended = 'reset';
    else if (code !== undefined && TLS_CODE.test(code)) this.ended = 'tls-failed';
    else this.ended = this.ended === 'peer-closed' ? 'peer-closed' : 'error';
  }
}

/** `host:port` (or the path) a `socket.connect(...)` call names, from any of its argument forms. */
export function connectTarget(args: readonly unknown[]): string | undefined {
  let first = args[0];
  // net.connect normalises into [options, cb] and marks the array; either way the first element is what we want.
  if (Array.isArray(first)) first = first[0];
  if (typeof first === 'object' && first !== null) {
    const o = first as { host?: unknown; port?: unknown; path?: unknown };
    if (typeof o.path === 'string') return o.path;
    return `${typeof o.host === 'string' ? o.host : 'localhost'}:${String(o.port ?? '')}`;
  }
  if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first)))
    return `${typeof args[1] === 'string' ? args[1] : 'localhost'}:${first}`;
  return typeof first === 'string' ? first : undefined;
}
