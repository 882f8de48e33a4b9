import { describe, expect, it } from 'vitest';
import { classifyLibraryError } from '../../src/journey/library-errors.js';

// Error shapes as the libraries make them (fields copied from pg-protocol's DatabaseError, ioredis's ReplyError and
// MaxRetriesPerRequestError, grpc-js's ServiceError, a ws/undici CloseEvent, graphql-ws's GraphQLError array).
const named = (name: string, message: string, fields: Record<string, unknown> = {}) =>
  Object.assign(new Error(message), { name }, fields);
const pgError = (code: string, message: string) => named('error', message, { code, severity: 'FATAL', routine: 'x' });
const grpcError = (code: number, details: string) =>
  Object.assign(new Error(`${code} X: ${details}`), { code, details, metadata: { internalRepr: new Map() } });
const close = (code: number, reason = '') => ({ type: 'close', code, reason, wasClean: code !== 1006 });

describe('classifyLibraryError', () => {
  it.each([
    ['pg wrong password', pgError('28P01', 'password authentication failed for user "probe"'), 'auth', /28P01/],
    ['pg admin shutdown (restart)', pgError('57P01', 'terminating connection due to administrator command'), 'network'],
    ['pg cannot connect now', pgError('57P03', 'the database system is starting up'), 'network'],
    ['pg statement timeout', pgError('57014', 'canceling statement due to statement timeout'), 'timeout'],
    ['pg undefined table', pgError('42P01', 'relation "orders" does not exist'), 'contract', /42P01/],
    ['ioredis WRONGPASS', named('ReplyError', 'WRONGPASS invalid username-password pair'), 'auth'],
    ['ioredis NOAUTH', named('ReplyError', 'NOAUTH Authentication required.'), 'auth'],
    ['ioredis NOPERM', named('ReplyError', "NOPERM this user has no permissions to run the 'get' command"), 'auth'],
    ['redis LOADING', named('ReplyError', 'LOADING Redis is loading the dataset in memory'), 'network'],
    [
      'redis WRONGTYPE',
      named('ReplyError', 'WRONGTYPE Operation against a key holding the wrong kind of value'),
      'contract',
    ],
    ['ioredis max retries', named('MaxRetriesPerRequestError', 'Reached the max retries per request limit'), 'network'],
    ['gRPC UNAVAILABLE', grpcError(14, 'No connection established'), 'network', /UNAVAILABLE/],
    ['gRPC DEADLINE_EXCEEDED', grpcError(4, 'Deadline exceeded'), 'timeout'],
    ['gRPC UNAUTHENTICATED', grpcError(16, 'bad token'), 'auth'],
    ['gRPC PERMISSION_DENIED', grpcError(7, 'nope'), 'auth'],
    ['gRPC NOT_FOUND', grpcError(5, 'no such cart'), 'contract'],
    ['graphql-ws Forbidden', close(4403, 'Forbidden'), 'auth', /4403 \(Forbidden\)/],
    ['graphql-ws Unauthorized', close(4401, 'Unauthorized'), 'auth'],
    ['graphql-ws init timeout', close(4408), 'timeout'],
    ['WebSocket abnormal closure', close(1006), 'network'],
    ['graphql-ws bad request', close(4400, 'Invalid message'), 'contract'],
    [
      'GraphQL execution errors',
      [{ message: 'Cannot query field "x"', locations: [] }],
      'contract',
      /Cannot query field/,
    ],
    ['a cause chain', new Error('query failed', { cause: pgError('28000', 'no pg_hba.conf entry') }), 'auth'],
    ['an AggregateError', new AggregateError([new Error('a'), grpcError(14, 'down')]), 'network'],
    ['an unknown error', new Error('connection closed'), undefined],
    ['a programming error', new TypeError("Cannot read properties of undefined (reading 'rows')"), undefined],
  ] as [string, unknown, string | undefined, RegExp?][])('%s', (_name, err, category, message) => {
    const v = classifyLibraryError(err);
    expect(v?.category).toBe(category);
    if (message !== undefined) expect(v?.message).toMatch(message);
  });
});
