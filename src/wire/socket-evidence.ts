/**
 * How a socket a step used had ended when the step ended: still `open`, closed by the peer (`peer-closed`, an EOF
 * before anything of ours closed it), `reset`, `refused`, a failed TLS handshake (`tls-failed`), another `error`,
 * `closed` by the library itself, or `destroyed-at-deadline` by the prober when the step's deadline fired.
 */
export type SocketEnd =
  | 'open'
  | 'peer-closed'
  | 'reset'
  | 'refused'
  | 'tls-failed'
  | 'error'
  | 'closed'
  | 'destroyed-at-deadline';

/** One socket as one step saw it (plain data; the result schema validates it as `StepEvidence.sockets`). */
export interface SocketEvidence {
  /** `host:port` it connected (or tried to connect) to. */
  remote: string;
  /** Our side's port, to find the connection in the server's logs. */
  localPort?: number;
  tls: boolean;
  /** Opened before this step (a pool, a client kept in `ctx.vars`) and written on by it. */
  reused: boolean;
  /** From the connect call to the TCP connection, when this step opened it. */
  connectMs?: number;
  /** From the connect call to the end of the TLS handshake, when this step opened it. */
  tlsMs?: number;
  /** From the step taking the socket on to the first byte it received in the step. */
  firstByteMs?: number;
  /** Bytes received and sent on the socket during this step. */
  bytesIn: number;
  bytesOut: number;
  ended: SocketEnd;
  /** The error code behind `reset`, `refused`, `tls-failed` or `error` (ECONNRESET, CERT_HAS_EXPIRED…). */
  reason?: string;
}

/** The HTTP answers a step's requests got, whichever client sent them (Node's http, undici, fetch, ws upgrades). */
export interface WireSnapshot {
  sockets: SocketEvidence[];
  /** Status codes of the responses received (an upgrade refused with 401 included). */
  httpStatuses: number[];
  /** Requests started (HTTP through Node's http or undici). */
  requests: number;
}
