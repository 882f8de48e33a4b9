import { collectErrors, type ErrnoLike } from './error-codes.js';
import { stripAnsi } from '../redact.js';
import type { Category } from './result-schema.js';
import { isStepFailure } from './errors.js';

export interface Classified {
  category: Category;
  message: string;
  httpStatus?: number;
  /** `error` when the prober could not judge (its own bug or shutdown), `fail` when the environment failed. */
  status: 'fail' | 'error';
}

export interface ClassifyContext {
  /** The step's own deadline fired before the error surfaced. */
  deadlineExceeded: boolean;
  /** The prober is shutting down (SIGTERM) or the run was cancelled from outside. */
  aborted: boolean;
  timeoutMs: number;
}

const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
]);

const TLS_MESSAGES: Record<string, string> = {
  CERT_HAS_EXPIRED: 'TLS certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'TLS certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'TLS certificate chain contains a self-signed certificate',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS certificate is not signed by a trusted CA',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'TLS certificate issuer is not trusted',
  ERR_TLS_CERT_ALTNAME_INVALID: 'TLS certificate does not match the host name',
  CERT_NOT_YET_VALID: 'TLS certificate is not yet valid',
};

/** A timeout anywhere in the error's cause chain (undici's connect, headers and body timeouts, ETIMEDOUT). */
export function isTimeoutError(err: unknown): boolean {
  return collectErrors(err).some((e) => typeof e.code === 'string' && TIMEOUT_CODES.has(e.code));
}

function networkMessage(e: ErrnoLike, code: string): string | undefined {
  const where = typeof e.address === 'string' ? ` (${e.address}${typeof e.port === 'number' ? `:${e.port}` : ''})` : '';
  switch (code) {
    case 'ECONNREFUSED':
      return `connection refused${where}`;
    case 'ECONNRESET':
    case 'EPIPE':
      return `connection reset by peer${where}`;
    case 'UND_ERR_SOCKET':
      // undici's own words here are specific ("other side closed", "bad upgrade") and never carry payloads.
      return `the connection failed: ${typeof e.message === 'string' ? e.message : 'socket error'} (UND_ERR_SOCKET)`;
    case 'ENOTFOUND':
      return `DNS lookup failed for ${typeof e.hostname === 'string' ? e.hostname : 'host'} (ENOTFOUND)`;
    case 'EAI_AGAIN':
      return `DNS lookup temporarily failed for ${typeof e.hostname === 'string' ? e.hostname : 'host'} (EAI_AGAIN)`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `network unreachable${where} (${code})`;
    case 'UND_ERR_CLOSED':
      return 'connection closed before the response completed';
    default:
      return TLS_MESSAGES[code] === undefined ? undefined : `${TLS_MESSAGES[code]} (${code})`;
  }
}

/**
 * Turns anything a step threw into a contract category. Decides on error codes and types, never on message text.
 * Anything unrecognised is the probe's own bug: status `error`, category `prober`, so it can never page as an outage.
 */
export function classifyFailure(err: unknown, ctx: ClassifyContext): Classified {
  if (ctx.aborted)
    return { category: 'aborted', message: 'the prober was stopped before the step finished', status: 'error' };
  if (ctx.deadlineExceeded)
    return { category: 'timeout', message: `timed out after ${ctx.timeoutMs} ms`, status: 'fail' };
  if (isStepFailure(err)) {
    const status = err.category === 'prober' || err.category === 'aborted' ? 'error' : 'fail';
    return {
      category: err.category,
      message: oneLine(err.message),
      ...(err.httpStatus === undefined ? {} : { httpStatus: err.httpStatus }),
      status,
    };
  }
  for (const e of collectErrors(err)) {
    const code = typeof e.code === 'string' ? e.code : undefined;
    if (code !== undefined && TIMEOUT_CODES.has(code))
      return { category: 'timeout', message: `timed out (${code})`, status: 'fail' };
    const net = code === undefined ? undefined : networkMessage(e, code);
    if (net !== undefined) return { category: 'network', message: net, status: 'fail' };
    if (code === 'ERR_ASSERTION') return { category: 'assertion', message: oneLine(String(e.message)), status: 'fail' };
    if (e.name === 'ZodError' && Array.isArray(e.issues)) {
      return { category: 'contract', message: `unexpected response shape: ${zodSummary(e.issues)}`, status: 'fail' };
    }
  }
  const e = err as ErrnoLike | undefined;
  const name = typeof e?.name === 'string' ? e.name : typeof err;
  const message = typeof e?.message === 'string' ? e.message : String(err);
  return { category: 'prober', message: oneLine(`probe error: ${name}: ${message}`), status: 'error' };
}

export function zodSummary(issues: unknown[]): string {
  return issues
    .slice(0, 3)
    .map((i) => {
      const issue = i as { path?: unknown[]; message?: string };
      const path = Array.isArray(issue.path) && issue.path.length > 0 ? issue.path.join('.') : '(root)';
      return `${path}: ${issue.message ?? 'invalid'}`;
    })
    .join('; ');
}

/** Messages are one line, bounded and free of terminal escapes, so they fit a log line, a JUnit attribute and a pager summary. */
export function oneLine(s: string, max = 300): string {
  const flat = stripAnsi(s).replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
