import type { SocketEvidence, WireSnapshot } from './socket-evidence.js';

/** A category the wire can justify, with the one-line reason. */
export interface WireVerdict {
  category: 'network' | 'timeout' | 'auth' | 'contract' | 'prober';
  message: string;
}

const TLS_REASONS: Record<string, string> = {
  CERT_HAS_EXPIRED: 'the certificate has expired',
  CERT_NOT_YET_VALID: 'the certificate is not yet valid',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'the chain contains a self-signed certificate',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the certificate is not signed by a trusted CA',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'the certificate issuer is not trusted',
  ERR_TLS_CERT_ALTNAME_INVALID: 'the certificate does not match the host name',
};

const bytes = (s: SocketEvidence) => `${s.bytesOut} bytes sent, ${s.bytesIn} received`;

/**
 * Judges an error nothing else recognised from what the step did on the wire (pure; tested as a table). `said` is
 * the library's own one-line message, quoted so the reader sees both. Returns undefined when there was no wire
 * activity at all: the caller then says the step's code threw before any request.
 */
export function explainFromWire(wire: WireSnapshot, said: string): WireVerdict | undefined {
  const { sockets } = wire;
  const first = (ended: SocketEvidence['ended']) => sockets.find((s) => s.ended === ended);
  const tls = first('tls-failed');
  if (tls !== undefined) {
    const why = (tls.reason !== undefined && TLS_REASONS[tls.reason]) || 'the handshake failed';
    return {
      category: 'network',
      message: `TLS to ${tls.remote} failed: ${why} (${tls.reason ?? 'TLS'}); the library said: ${said}`,
    };
  }
  const refused = first('refused');
  if (refused !== undefined)
    return { category: 'network', message: `connection refused (${refused.remote}); the library said: ${said}` };
  const denied = wire.httpStatuses.find((s) => s === 401 || s === 403);
  if (denied !== undefined)
    return { category: 'auth', message: `the server answered ${denied}; the library said: ${said}` };
  const reset = first('reset');
  if (reset !== undefined)
    return {
      category: 'network',
      message: `connection reset by peer (${reset.remote}) after ${bytes(reset)}; the library said: ${said}`,
    };
  const closed = first('peer-closed');
  if (closed !== undefined) {
    const when = closed.reused && closed.bytesOut === 0 && closed.bytesIn === 0 ? ' before this step used it' : '';
    return {
      category: 'network',
      message: `the peer closed the connection (${closed.remote})${when} after ${bytes(closed)}; the library said: ${said}`,
    };
  }
  const live = sockets.filter((s) => s.ended === 'open' || s.ended === 'destroyed-at-deadline');
  const unanswered = live.find((s) => s.bytesOut > 0 && s.bytesIn === 0);
  if (unanswered !== undefined && sockets.every((s) => s.bytesIn === 0))
    return {
      category: 'timeout',
      message: `no answer from ${unanswered.remote} (${bytes(unanswered)}); the library said: ${said}`,
    };
  const answered = sockets.some((s) => s.bytesIn > 0) || wire.httpStatuses.length > 0;
  if (answered) return { category: 'contract', message: `the server answered, then the library threw: ${said}` };
  if (sockets.length === 0 && wire.requests === 0) return undefined;
  const connecting = live.find((s) => s.connectMs === undefined && !s.reused);
  if (connecting !== undefined)
    return { category: 'timeout', message: `no connection to ${connecting.remote} yet; the library said: ${said}` };
  return { category: 'network', message: `the connection failed before an answer; the library said: ${said}` };
}

/**
 * A step that hit its deadline while it held no live connection, and a connection it or an earlier step of the
 * journey kept had been closed or reset by the peer: it waited on a connection that was already gone (a stream
 * kept across steps when the server restarted). That is the network, not a slow server. Undefined otherwise: a
 * socket still open at the deadline (a frozen server, a trickling body) leaves it a timeout.
 */
export function explainDeadlineFromWire(wire: WireSnapshot, timeoutMs: number): WireVerdict | undefined {
  const { sockets } = wire;
  if (sockets.some((s) => s.ended === 'open' || s.ended === 'destroyed-at-deadline')) return undefined;
  const lost = sockets.find((s) => s.ended === 'peer-closed' || s.ended === 'reset');
  if (lost === undefined) return undefined;
  const how = lost.ended === 'reset' ? 'reset' : 'closed';
  return {
    category: 'network',
    message: `timed out after ${timeoutMs} ms waiting on a connection the peer had ${how} (${lost.remote})`,
  };
}
