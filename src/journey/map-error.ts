import { classifyFailure, oneLine } from './classify-failure.js';
import { StepFailure, isStepFailure } from './errors.js';
import { withDeadline } from './with-deadline.js';
import type { Category } from './result-schema.js';
import { checkReachable, endpointOf, type Reachability } from './service-reachability.js';

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
 * 5. anything else is unexplained: the prober cannot tell a library's report of an outage from a probe bug by the
 *    error alone, so it checks whether the step's service accepts a TCP connection. Refused or unresolvable →
 *    `network`; no answer within a second → `timeout`; reachable → `prober` (could not judge), with a hint to map
 *    the library's errors. An outage therefore never reads "could not judge" because a library's error had no code.
 */
export async function judgeStepError(
  err: unknown,
  options: { mappers: readonly (ErrorMapper | undefined)[]; serviceUrl: string | undefined; service: string },
): Promise<unknown> {
  if (isStepFailure(err)) return err;
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
  if (classifyFailure(err, { deadlineExceeded: false, aborted: false, timeoutMs: 0 }).category !== 'prober') return err;
  if (PROGRAMMING_ERRORS.some((type) => err instanceof type)) return err;
  const endpoint = endpointOf(options.serviceUrl);
  if (endpoint === undefined) return err;
  const where = `${endpoint.host}:${endpoint.port}`;
  const reach: Reachability = await checkReachable(endpoint, REACHABILITY_CHECK_MS);
  const what = oneLine(describe(err), 200);
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
