import { connect } from 'node:net';
import type { Reachability, ReachabilityCheck } from '../journey/reachability.js';

/**
 * One TCP connect, closed at once: does the service accept connections at all? Bounded by `timeoutMs`. The
 * runner's `reach` port (journey/reachability.ts), for errors nothing else explains.
 */
export const checkReachable: ReachabilityCheck = (endpoint, timeoutMs) =>
  new Promise((resolve) => {
    const socket = connect({ host: endpoint.host, port: endpoint.port });
    const done = (r: Reachability) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => done({ kind: 'silent' }), timeoutMs);
    socket.once('connect', () => done({ kind: 'reachable' }));
    socket.once('error', (err: Error & { code?: string }) =>
      done(err.code === undefined ? { kind: 'unknown' } : { kind: 'refused', code: err.code }),
    );
  });
