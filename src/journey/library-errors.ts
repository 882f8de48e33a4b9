import { oneLine } from './classify-failure.js';
import { collectErrors } from './error-codes.js';
import type { Category } from './result-schema.js';

/** What a client library's own error shape says happened, before any guess from the wire. */
export interface LibraryVerdict {
  category: Exclude<Category, 'aborted' | 'prober'>;
  message: string;
}

type Rule = (e: Record<string, unknown>) => LibraryVerdict | undefined;

const str = (v: unknown) => (typeof v === 'string' ? v : '');

/**
 * Postgres (pg): a server error carries its SQLSTATE as `code` and a `severity`. Class 28 is a rejected login,
 * class 08 and 57P0x a connection the server refused or ended; any other answer is the server saying no: contract.
 */
const postgres: Rule = (e) => {
  const code = str(e.code);
  if (!/^[0-9A-Z]{5}$/.test(code) || typeof e.severity !== 'string') return undefined;
  const said = `postgres answered ${code}: ${str(e.message)}`;
  if (code.startsWith('28')) return { category: 'auth', message: said };
  if (code.startsWith('08') || /^57P0[123]$/.test(code) || code === '53300')
    return { category: 'network', message: said };
  if (code === '57014') return { category: 'timeout', message: said };
  return { category: 'contract', message: said };
};

/** Redis (ioredis, redis): a reply error's first word is the server's error code (the protocol puts it there). */
const REDIS_AUTH = new Set(['NOAUTH', 'WRONGPASS', 'NOPERM']);
const redis: Rule = (e) => {
  const name = str(e.name);
  if (name === 'MaxRetriesPerRequestError')
    return { category: 'network', message: `redis: ${str(e.message)} (the server could not be reached)` };
  if (name !== 'ReplyError' && name !== 'ErrorReply') return undefined;
  const code = str(e.message).split(' ')[0] ?? '';
  const said = `redis answered ${str(e.message)}`;
  if (REDIS_AUTH.has(code)) return { category: 'auth', message: said };
  if (code === 'LOADING' || code === 'MASTERDOWN' || code === 'CLUSTERDOWN')
    return { category: 'network', message: said };
  return { category: 'contract', message: said };
};

/** gRPC (@grpc/grpc-js): a status error has a numeric `code` (grpc.status), `details` and `metadata`. */
const GRPC: Record<number, [string, LibraryVerdict['category']]> = {
  4: ['DEADLINE_EXCEEDED', 'timeout'],
  7: ['PERMISSION_DENIED', 'auth'],
  14: ['UNAVAILABLE', 'network'],
  16: ['UNAUTHENTICATED', 'auth'],
};
const grpc: Rule = (e) => {
  if (typeof e.code !== 'number' || typeof e.details !== 'string' || typeof e.metadata !== 'object') return undefined;
  const [name, category] = GRPC[e.code] ?? [`status ${e.code}`, 'contract' as const];
  return { category, message: `gRPC ${name}: ${e.details}` };
};

/**
 * A WebSocket close (graphql-ws hands the CloseEvent to the sink): its code says who ended it. 4401/4403 are
 * graphql-ws's Unauthorized/Forbidden, 4408 and 4504 its handshake timeouts; 1006 (no close frame) and 1001 are the connection
 * going away; any other code is the server ending the protocol on purpose.
 */
const closeEvent: Rule = (e) => {
  if (typeof e.code !== 'number' || typeof e.wasClean !== 'boolean') return undefined;
  const said = `the WebSocket closed with ${e.code}${str(e.reason) === '' ? '' : ` (${str(e.reason)})`}`;
  if (e.code === 4401 || e.code === 4403) return { category: 'auth', message: said };
  if (e.code === 4408 || e.code === 4504) return { category: 'timeout', message: said };
  if (e.code === 1006 || e.code === 1001 || e.code === 1012 || e.code === 1013)
    return { category: 'network', message: said };
  return { category: 'contract', message: said };
};

/** GraphQL execution errors (an array of `{ message, locations?, path? }`): the server answered with errors. */
function graphqlErrors(err: unknown): LibraryVerdict | undefined {
  if (!Array.isArray(err) || err.length === 0) return undefined;
  if (
    !err.every((e) => typeof e === 'object' && e !== null && typeof (e as { message?: unknown }).message === 'string')
  )
    return undefined;
  const first = (err[0] as { message: string }).message;
  return { category: 'contract', message: `the GraphQL server answered with errors: ${first}` };
}

const RULES: readonly Rule[] = [postgres, redis, grpc, closeEvent];

/**
 * The error shapes of widely used client libraries, recognised once here so a journey needs no `mapError` for an
 * ordinary outage. Walks `cause` chains and AggregateErrors; decides on codes and class names, not wording.
 */
export function classifyLibraryError(err: unknown): LibraryVerdict | undefined {
  const graphql = graphqlErrors(err);
  if (graphql !== undefined) return { ...graphql, message: oneLine(graphql.message) };
  for (const e of collectErrors(err)) {
    for (const rule of RULES) {
      const v = rule(e as Record<string, unknown>);
      if (v !== undefined) return { ...v, message: oneLine(v.message) };
    }
  }
  return undefined;
}
