import { classifyFailure, oneLine } from './classify-failure.js';
import { StepFailure, isStepFailure } from './errors.js';
import { withDeadline } from './with-deadline.js';
import type { Category } from './result-schema.js';
import { endpointOf, type Reachability, type ReachabilityCheck } from './reachability.js';
import type { WireSnapshot } from '../wire/socket-evidence.js';
import { explainFromWire } from '../wire/explain-from-wire.js';
import { classifyLibraryError } from './library-errors.js';
import { isProbeFault } from './containment.js';

/** What a client library's error means for the journey: a category, optionally with your own one-line message. */
export type MappedError = Exclude<Category, 'aborted'> | { category: Exclude<Category, 'aborted'>; message?: string };

/**
 * Maps errors thrown inside a step by a client library you brought (socket.io-client, an XMPP or MQTT client) to a
 * category, once per step or journey instead of a try/catch in every step. Return `undefined` for errors you do not
 * recognise: they then go through the built-in classification (error codes), and what is still unknown is judged
 * by checking the step's service (see `judgeStepError`).
 */
export type ErrorMapper = (error: unknown) => MappedError | undefined;

/** Errors JavaScript itself throws for code that is wrong: never read as the environment failing. */
const PROGRAMMING_ERRORS = [TypeError, ReferenceError, SyntaxError, RangeError, EvalError, URIError];

/** How long the after-the-fact TCP check of an unexplained failure may take. */
export const REACHABILITY_CHECK_MS = 1_000;

function describe(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}

/**
 * Turns what a step threw into something `classifyFailure` judges correctly:
 * 1. a `StepFailure` stands as it is;
 * 2. the step's `mapError`, then the journey's, may name the category;
 * 3. an error with a known code (ECONNREFUSED, undici's, TLS) is left to `classifyFailure`;
 * 4. JavaScript's own programming errors (TypeError, ReferenceError, SyntaxError, RangeError…) are probe bugs:
 *    `prober`, whatever the service's state;
 * 5. a client library's known error shape (pg, ioredis, gRPC, a WebSocket close; library-errors.ts);
 * 6. anything else is unexplained. Where the wire is observed (the CLI and the daemon), the step's wire record
 *    decides (explain-from-wire.ts): refused, reset, closed by the peer, a failed TLS handshake → `network`; bytes
 *    sent and nothing back → `timeout`; a 401/403 → `auth`; the server answered → `contract`. No wire activity at
 *    all → `prober`, "the step's code threw before any request", with a TCP check of the service as evidence only.
 *    Where it is not (the programmatic API), the TCP check decides as before: refused → `network`, silent →
 *    `timeout`, reachable → `prober` with a hint to map the library's errors. The check is the `reach` port
 *    (reachability.ts) the assembled run hands in; without one the error goes to `classifyFailure` as it is.
 */
export async function judgeStepError(
  err: unknown,
  options: {
    mappers: readonly (ErrorMapper | undefined)[];
    serviceUrl: string | undefined;
    service: string;
    /** What the step did on the wire, when it is observed (the CLI and the daemon). */
    wire?: WireSnapshot | undefined;
    /** Checks the step's service (the TCP connect of src/steps/); without it the service is not checked. */
    reach?: ReachabilityCheck | undefined;
  },
): Promise<unknown> {
  if (isStepFailure(err)) return err;
  // What escaped the step's code (a library's unhandled `error` event): the library reporting the failure, when
  // anything explains it; else the probe bug the fault's message names.
  if (isProbeFault(err)) {
    const judged = await judgeStepError(err.thrown, options);
    const c = classifyFailure(judged, { deadlineExceeded: false, aborted: false, timeoutMs: 0 });
    return c.category === 'prober' ? new StepFailure('prober', err.message, { cause: err.thrown }) : judged;
  }
  for (const mapper of options.mappers) {
    if (mapper === undefined) continue;
    let mapped: MappedError | undefined;
    try {
      mapped = mapper(err);
    } catch (thrown) {
      return new StepFailure('prober', oneLine(`mapError threw ${describe(thrown)} while mapping ${describe(err)}`), {
        cause: err,
      });
    }
    if (mapped === undefined) continue;
    const { category, message } = typeof mapped === 'string' ? { category: mapped, message: undefined } : mapped;
    return new StepFailure(category, oneLine(message ?? describe(err)), { cause: err });
  }
  const library = classifyLibraryError(err);
  if (library !== undefined) return new StepFailure(library.category, library.message, { cause: err });
  if (classifyFailure(err, { deadlineExceeded: false, aborted: false, timeoutMs: 0 }).category !== 'prober') return err;
  if (PROGRAMMING_ERRORS.some((type) => err instanceof type)) return err;
  const what = oneLine(describe(err), 200);
  const endpoint = endpointOf(options.serviceUrl);
  const where = endpoint === undefined ? '' : `${endpoint.host}:${endpoint.port}`;
  if (options.wire !== undefined) {
    const seen = explainFromWire(options.wire, what);
    if (seen !== undefined) return new StepFailure(seen.category, seen.message, { cause: err });
    // Nothing on the wire that could explain it: the step's own code. The TCP check only adds evidence.
    const reach =
      endpoint === undefined || options.reach === undefined
        ? undefined
        : await options.reach(endpoint, REACHABILITY_CHECK_MS);
    const evidence = reach === undefined ? '' : ` (service ${options.service} at ${where} ${REACH_WORDS[reach.kind]})`;
    return new StepFailure('prober', `the step's code threw before any request: ${what}${evidence}`, { cause: err });
  }
  if (endpoint === undefined || options.reach === undefined) return err;
  const reach: Reachability = await options.reach(endpoint, REACHABILITY_CHECK_MS);
  switch (reach.kind) {
    case 'refused':
      return new StepFailure(
        'network',
        `${what}; service ${options.service} at ${where} refuses connections (${reach.code})`,
        { cause: err },
      );
    case 'silent':
      return new StepFailure(
        'timeout',
        `${what}; service ${options.service} at ${where} did not accept a connection within ${REACHABILITY_CHECK_MS} ms`,
        { cause: err },
      );
    case 'reachable':
      return new StepFailure(
        'prober',
        `probe error: ${what} (service ${options.service} at ${where} accepts connections; if this is the library reporting a service failure, map it with mapError)`,
        { cause: err },
      );
    default:
      return err;
  }
}

const REACH_WORDS: Record<Reachability['kind'], string> = {
  reachable: 'accepts connections',
  refused: 'refuses connections',
  silent: `did not accept a connection within ${REACHABILITY_CHECK_MS} ms`,
  unknown: 'could not be checked',
};

/** The code of the rejection a deferred cleanup ends with when it did not settle within its bound. */
export const CLEANUP_ABANDONED = 'PROBER_CLEANUP_ABANDONED';

/**
 * A deferred cleanup that cannot hold the journey open: it gets `boundMs`, then the journey ends without it, with
 * a rejection coded `CLEANUP_ABANDONED` that the runner turns into a warning in the result. Its own failure is not
 * the journey's (the verdict was decided by the steps). The timer is referenced: with an unreferenced one, a
 * `close()` that never settles left Node with nothing to wait for, and it exited 13 with no report.
 */
export function boundedCleanup(close: () => unknown, boundMs: number): () => Promise<void> {
  return async () => {
    await withDeadline(
      Promise.resolve()
        .then(close)
        .then(
          () => undefined,
          () => undefined,
        ),
      boundMs,
      () => {
        throw Object.assign(new Error(`a deferred cleanup did not settle within ${boundMs} ms and was abandoned`), {
          code: CLEANUP_ABANDONED,
        });
      },
    );
  };
}
