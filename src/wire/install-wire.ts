import dc from 'node:diagnostics_channel';
import net, { type Socket } from 'node:net';
import type { StepWire } from './step-wire.js';
import { connectTarget, TrackedSocket } from './tracked-socket.js';

/** The step whose code is running now (the caller's async context), or undefined outside any step. */
export type WireOwnerLookup = () => StepWire | undefined;

const tracked = new WeakMap<Socket, TrackedSocket>();
const requestOwners = new WeakMap<object, StepWire>();
let lookup: WireOwnerLookup | undefined;

/** Whether the wire is observed in this process (installed by the CLI and the daemon, with probe containment). */
export function wireInstalled(): boolean {
  return lookup !== undefined;
}

/** The socket's record, made (and attributed to `owner`) when a step's code first opens or writes on it. */
function adoptSocket(socket: Socket, owner: StepWire, target?: string): void {
  let t = tracked.get(socket);
  const reused = t !== undefined && t.owner !== undefined;
  if (t === undefined) {
    t = new TrackedSocket(socket, target);
    tracked.set(socket, t);
  }
  if (t.owner !== owner) owner.adopt(t, reused);
}

/**
 * Observes every client socket, HTTP request and response that step code opens, directly or through any library,
 * and attributes it to the step through `lookupOwner` (an AsyncLocalStorage read). Ownership is decided only where
 * the step's own code runs: when a socket is created (`net.client.socket`, or `Socket.prototype.connect`), when it is
 * written on (a pooled or kept socket moves to the step writing on it), when a request starts. A socket's own
 * events run in the context of whoever created it, so they never decide. Installed once; costs a store read per
 * socket write and per request, nothing per step when no step's code opens a socket.
 */
export function installWire(lookupOwner: WireOwnerLookup): void {
  if (lookup !== undefined) return;
  lookup = lookupOwner;
  dc.subscribe('net.client.socket', (message) => {
    const owner = lookupOwner();
    if (owner !== undefined) adoptSocket((message as { socket: Socket }).socket, owner);
  });
  // Before Node 22.17 the channel fires for net.connect() only, not for tls.connect() or new Socket().connect()
  // (nodejs/node#58349): how pg, https.Agent and TLS clients connect. There, wrap connect as OpenTelemetry's net
  // instrumentation does.
  if (!channelSeesSocketConnect()) wrapConnect(lookupOwner);
  wrapWrite(lookupOwner);
  const onRequest = (message: unknown) => {
    const owner = lookupOwner();
    const request = (message as { request: object }).request;
    if (owner === undefined) return;
    requestOwners.set(request, owner);
    owner.requests++;
  };
  const onResponse = (message: unknown) => {
    const m = message as { request: object; response: { statusCode?: unknown } };
    const owner = requestOwners.get(m.request);
    if (owner !== undefined && typeof m.response.statusCode === 'number')
      owner.httpStatuses.push(m.response.statusCode);
  };
  dc.subscribe('http.client.request.start', onRequest);
  dc.subscribe('http.client.response.finish', onResponse);
  dc.subscribe('undici:request:create', onRequest);
  dc.subscribe('undici:request:headers', onResponse);
  // undici may write a queued request later, outside the step's context: the request says whose it is.
  dc.subscribe('undici:client:sendHeaders', (message) => {
    const m = message as { request: object; socket: Socket };
    const owner = requestOwners.get(m.request);
    if (owner !== undefined) adoptSocket(m.socket, owner);
  });
}

/** Self-test at start: does `net.client.socket` fire for `new net.Socket().connect()` on this Node? */
function channelSeesSocketConnect(): boolean {
  let seen = false;
  const onSocket = () => {
    seen = true;
  };
  dc.subscribe('net.client.socket', onSocket);
  const probe = new net.Socket();
  probe.on('error', () => undefined);
  try {
    // A path that cannot exist: nothing leaves the machine, the error (ENOENT) is swallowed above.
    probe.connect({ path: `\0golden-path-prober-wire-self-test-${process.pid}` });
  } catch {
    // A Node that throws here still answered the question.
  } finally {
    probe.destroy();
    dc.unsubscribe('net.client.socket', onSocket);
  }
  return seen;
}

function wrapConnect(lookupOwner: WireOwnerLookup): void {
  const proto = net.Socket.prototype as unknown as { connect: (this: Socket, ...args: unknown[]) => Socket };
  const original = proto.connect;
  proto.connect = function wiredConnect(this: Socket, ...args: unknown[]) {
    const owner = lookupOwner();
    if (owner !== undefined) adoptSocket(this, owner, connectTarget(args));
    return original.apply(this, args);
  };
}

function wrapWrite(lookupOwner: WireOwnerLookup): void {
  const proto = net.Socket.prototype as unknown as { write: (this: Socket, ...args: unknown[]) => boolean };
  const original = proto.write;
  proto.write = function wiredWrite(this: Socket) {
    const owner = lookupOwner();
    // Only a network socket moves to the step writing on it: one a step opened, or one connected to a peer (a
    // pool's). A child process's stdio pipe is a net.Socket too: Playwright drives Chromium over one
    // (--remote-debugging-pipe), and adopting it made the step's deadline destroy the browser's connection.
    if (owner !== undefined && (tracked.has(this) || this.remoteAddress !== undefined)) adoptSocket(this, owner);
    // biome-ignore lint/complexity/noArguments: forwards every argument unchanged
    return original.apply(this, arguments as unknown as unknown[]);
  };
}
