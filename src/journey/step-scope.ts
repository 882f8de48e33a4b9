import { performance } from 'node:perf_hooks';
import { randomHexId } from './random-id.js';
import type { Redactor } from '../redact.js';
import type { HttpEvidence } from './result-schema.js';
import type { StepScope } from './step-ports.js';
import { Deadline, type AbortSource } from './deadline-signal.js';

/** What opening a step needs from its journey run. */
export interface StepScopeInput {
  runId: string;
  traceId: string;
  userAgent: string;
  maxBodyBytes: number;
  redactor: Redactor;
  deadline: StepDeadline;
}

/**
 * When one step must end and what can end it, as its journey run hands it over: the step's own timeout and budget,
 * never past the journey's deadline (a cleanup step gets its own bounded one), and the outside cancellation.
 */
export interface StepDeadline {
  /** The step's timeout: its definition's, or the config's override. */
  timeoutMs: number;
  /** Over this the step passes as `degraded`. */
  budgetMs: number | undefined;
  /** The journey's deadline, or a cleanup step's own bounded signal. */
  parent: AbortSource;
  /** The journey's deadline (epoch ms); infinite for a cleanup step. */
  parentDeadline: number;
  /** The journey's own timeout (absent for a cleanup step, which outlives it): which of the two fired. */
  journeyTimeout: { readonly aborted: boolean } | undefined;
  /** Cancellation from outside the run (shutdown). */
  outer: AbortSource;
}

/** A running step's clock, signals and evidence sinks: what its helpers write to and its result is built from. */
export interface OpenStep {
  readonly scope: StepScope;
  readonly startedAt: Date;
  /** The step's own timeout, apart from the journey's: classification asks which of the two fired. */
  readonly stepTimeout: { readonly aborted: boolean };
  /** What "timed out after N ms" reports: the step's own timeout, or what was left of the journey's. */
  readonly effectiveTimeoutMs: number;
  /** The step's span id: the parent of every request it sends (traceparent), and of the step span OTLP exports. */
  readonly spanId: string;
  readonly http: HttpEvidence[];
  readonly metrics: Record<string, number>;
  /** Names the step read with `ctx.secret` (made on the first read): an `auth` failure names them. */
  secretsRead?: string[];
  elapsedMs(): number;
  /** Ends the step's clock: its timer stops and its signal no longer follows the journey's. */
  close(): void;
}

/** Starts a step's clock and derives its signal and deadline: the step's timeout, never past the journey's. */
export function openStep(input: StepScopeInput): OpenStep {
  const startedAt = new Date();
  const t0 = performance.now();
  // A referenced timer: it also keeps the process alive until the deadline can report the timeout.
  const { parent, timeoutMs, parentDeadline } = input.deadline;
  const bound = new Deadline(parent, timeoutMs, { ref: true });
  const startMs = Date.now();
  const deadline = Math.min(startMs + timeoutMs, parentDeadline);
  const http: HttpEvidence[] = [];
  const spanId = randomHexId(8);
  const scope = new Scope(bound, deadline, input, spanId, http);
  return {
    scope,
    startedAt,
    stepTimeout: bound.timedOut,
    effectiveTimeoutMs: Math.max(0, deadline - startMs),
    spanId,
    http,
    metrics: {},
    elapsedMs: () => performance.now() - t0,
    close: () => bound.close(),
  };
}

/**
 * A class rather than an object literal: the literal's `signal` getter made V8 define an accessor on every step's
 * scope at run time. The functions stay own properties, because adapters pass them on unbound (`scope.markSecret`).
 */
class Scope implements StepScope {
  readonly maxBodyBytes: number;
  readonly tagHeaders: () => Record<string, string>;
  readonly recordHttp: (e: HttpEvidence) => void;
  readonly markSecret: (value: string) => void;

  constructor(
    readonly abort: Deadline,
    readonly deadline: number,
    input: StepScopeInput,
    spanId: string,
    http: HttpEvidence[],
  ) {
    this.maxBodyBytes = input.maxBodyBytes;
    this.tagHeaders = () => ({
      'user-agent': input.userAgent,
      'x-synthetic-probe': input.runId,
      traceparent: `00-${input.traceId}-${spanId}-01`,
    });
    this.recordHttp = (e) => http.push(e);
    this.markSecret = (v) => input.redactor.add(v);
  }

  /** Made on first use (a probe reading ctx.signal, a browser or TCP step): most API steps never need one. */
  get signal(): AbortSignal {
    return this.abort.signal;
  }
}
