import { describe, expect, it } from 'vitest';
import type { SocketEvidence, WireSnapshot } from '../../src/wire/socket-evidence.js';
import { explainDeadlineFromWire, explainFromWire } from '../../src/wire/explain-from-wire.js';

const sock = (over: Partial<SocketEvidence>): SocketEvidence => ({
  remote: '127.0.0.1:5432',
  tls: false,
  reused: false,
  bytesIn: 0,
  bytesOut: 0,
  ended: 'open',
  ...over,
});
const wire = (sockets: SocketEvidence[], httpStatuses: number[] = [], requests = 0): WireSnapshot => ({
  sockets,
  httpStatuses,
  requests,
});

describe('explainFromWire: an unrecognised library error judged from what the step did on the wire', () => {
  const said = 'Error: connection closed';
  const rows: [string, WireSnapshot, string | undefined, RegExp?][] = [
    ['no wire activity at all', wire([]), undefined],
    [
      'connect refused',
      wire([sock({ ended: 'refused', reason: 'ECONNREFUSED' })]),
      'network',
      /connection refused \(127\.0\.0\.1:5432\)/,
    ],
    [
      'reset after a request',
      wire([sock({ ended: 'reset', bytesOut: 40, reason: 'ECONNRESET' })]),
      'network',
      /reset by peer .*40 bytes sent, 0 received/,
    ],
    [
      'closed by the peer mid-answer',
      wire([sock({ ended: 'peer-closed', bytesOut: 40, bytesIn: 12 })]),
      'network',
      /peer closed the connection/,
    ],
    [
      'expired certificate',
      wire([sock({ tls: true, ended: 'tls-failed', reason: 'CERT_HAS_EXPIRED' })]),
      'network',
      /TLS to 127\.0\.0\.1:5432 failed: the certificate has expired \(CERT_HAS_EXPIRED\)/,
    ],
    [
      'wrong host name',
      wire([sock({ tls: true, ended: 'tls-failed', reason: 'ERR_TLS_CERT_ALTNAME_INVALID' })]),
      'network',
      /does not match the host name/,
    ],
    [
      'upgrade refused with 401',
      wire([sock({ ended: 'closed', bytesOut: 200, bytesIn: 90 })], [401], 1),
      'auth',
      /answered 401/,
    ],
    ['403 on a request', wire([sock({ bytesOut: 200, bytesIn: 90 })], [403], 1), 'auth', /answered 403/],
    [
      'sent, nothing back',
      wire([sock({ bytesOut: 33 })]),
      'timeout',
      /no answer from 127\.0\.0\.1:5432 \(33 bytes sent/,
    ],
    [
      'answered, then the library threw',
      wire([sock({ bytesOut: 33, bytesIn: 80 })]),
      'contract',
      /the server answered, then the library threw: Error: connection closed/,
    ],
    ['a 200 and a throw', wire([], [200], 1), 'contract', /the server answered/],
    ['still connecting', wire([sock({})]), 'timeout', /no connection to/],
    [
      'a kept connection lost before this step',
      wire([sock({ reused: true, ended: 'peer-closed' })]),
      'network',
      /before this step used it/,
    ],
  ];
  it.each(rows)('%s', (_name, snapshot, category, message) => {
    const v = explainFromWire(snapshot, said);
    expect(v?.category).toBe(category);
    if (message !== undefined) expect(v?.message).toMatch(message);
    if (v !== undefined && v.category !== 'contract') expect(v.message).toContain(said);
  });
});

describe('explainDeadlineFromWire: a deadline while waiting on a connection that was already gone', () => {
  it.each([
    ['a socket still open (a frozen server): timeout stays', [sock({ bytesOut: 10 })], undefined],
    [
      'destroyed at the deadline (a trickle): timeout stays',
      [sock({ ended: 'destroyed-at-deadline', bytesIn: 3 })],
      undefined,
    ],
    ['a kept stream the peer closed', [sock({ reused: true, ended: 'peer-closed' })], 'network'],
    ['a reset one', [sock({ ended: 'reset' })], 'network'],
    ['nothing at all (a step ignoring its signal)', [], undefined],
  ] as const)('%s', (_name, sockets, category) => {
    expect(explainDeadlineFromWire(wire([...sockets]), 2000)?.category).toBe(category);
  });
});
