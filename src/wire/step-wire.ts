import { performance } from 'node:perf_hooks';
import type { SocketEvidence, WireSnapshot } from './socket-evidence.js';
import type { SocketOwner, TrackedSocket } from './tracked-socket.js';

interface Entry {
  readonly t: TrackedSocket;
  readonly reused: boolean;
  readonly baseIn: number;
  readonly baseOut: number;
  firstByteAt: number | undefined;
}

/** The sockets of one journey run: the steps in turn own them, and the journey's end destroys what is left. */
export class JourneyWire {
  /** The step running now: what a socket opened or written on in this journey's async context belongs to. */
  current: StepWire | undefined;
  private readonly sockets = new Set<TrackedSocket>();

  remember(t: TrackedSocket): void {
    this.sockets.add(t);
  }

  /**
   * Sockets an earlier step of this journey opened that the peer closed or reset since (a server restarted between
   * two steps): a client kept across steps fails on them without writing a byte in the step that fails.
   */
  lostBefore(step: StepWire): TrackedSocket[] {
    const lost: TrackedSocket[] = [];
    for (const t of this.sockets)
      if (t.owner !== step && (t.ended === 'peer-closed' || t.ended === 'reset' || t.ended === 'error')) lost.push(t);
    return lost;
  }

  /**
   * Destroys every socket still open whose owner is a step of this journey (a client the probe never closed, a
   * cleanup that was abandoned). A socket another journey has since written on is that journey's, and left alone.
   */
  destroyLeftovers(): number {
    let destroyed = 0;
    for (const t of this.sockets) {
      if (t.owner?.journey !== this || t.ended !== 'open' || t.socket.destroyed) continue;
      t.ended = 'closed';
      t.socket.destroy();
      destroyed++;
    }
    this.sockets.clear();
    return destroyed;
  }
}

/** What one step did on the wire: the sockets it opened or wrote on, and the HTTP answers its requests got. */
export class StepWire implements SocketOwner {
  private readonly startedAt = performance.now();
  private readonly entries: Entry[] = [];
  readonly httpStatuses: number[] = [];
  requests = 0;
  /** Set when the step ended: what its code (a timer, a library's reconnect) does later belongs to the step running then. */
  ended = false;

  constructor(readonly journey: JourneyWire) {}

  /** Who owns what this step's async context opens or writes now: itself while it runs, else the journey's current step. */
  owner(): StepWire | undefined {
    return this.ended ? this.journey.current : this;
  }

  adopt(t: TrackedSocket, reused: boolean): void {
    t.owner = this;
    this.journey.remember(t);
    if (this.entries.some((e) => e.t === t)) return;
    const { bytesRead, bytesWritten } = t.socket;
    const entry: Entry = {
      t,
      reused,
      baseIn: bytesRead,
      baseOut: bytesWritten,
      firstByteAt: undefined,
    };
    t.awaitingByte = entry;
    this.entries.push(entry);
  }

  /** At the step's deadline, after its signal aborted: every socket it still owns and that is open is destroyed. */
  destroyOpen(): void {
    for (const e of this.entries) if (e.t.owner === this) e.t.destroyAtDeadline();
  }

  /** The step's wire record as plain data, read when its outcome is judged. */
  snapshot(): WireSnapshot {
    const lost = this.journey.lostBefore(this).map((t): SocketEvidence => {
      const e = { t, reused: true, baseIn: t.socket.bytesRead, baseOut: t.socket.bytesWritten, firstByteAt: undefined };
      return evidence(e, this.startedAt);
    });
    return {
      sockets: [...this.entries.map((e) => evidence(e, this.startedAt)), ...lost],
      httpStatuses: this.httpStatuses.slice(),
      requests: this.requests,
    };
  }
}

const ms = (a: number, b: number | undefined) => (b === undefined ? undefined : Math.round((b - a) * 10) / 10);

function evidence(e: Entry, stepStart: number): SocketEvidence {
  const { t } = e;
  const out: SocketEvidence = { remote: t.remote } as SocketEvidence;
  if (t.localPort !== undefined) out.localPort = t.localPort;
  Object.assign(out, {
    tls: t.tls,
    reused: e.reused,
    bytesIn: Math.max(0, (t.socket.bytesRead ?? 0) - e.baseIn),
    bytesOut: Math.max(0, (t.socket.bytesWritten ?? 0) - e.baseOut),
    ended: t.ended,
  });
  if (!e.reused) {
    const connectMs = ms(t.openedAt, t.connectedAt);
    if (connectMs !== undefined) out.connectMs = connectMs;
    const tlsMs = ms(t.openedAt, t.secureAt);
    if (tlsMs !== undefined) out.tlsMs = tlsMs;
  }
  // The first byte after this step took the socket on, from the step's start.
  const firstByteMs = ms(stepStart, e.firstByteAt);
  if (firstByteMs !== undefined) out.firstByteMs = firstByteMs;
  if (t.reason !== undefined) out.reason = t.reason;
  return out;
}
