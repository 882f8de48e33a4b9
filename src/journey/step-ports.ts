import type { ConnectionOptions } from 'node:tls';
import type { Page } from 'playwright-core';
import type { AbortSource } from './deadline-signal.js';
import type { HttpEvidence } from './result-schema.js';
import type { HttpClient, SseClient, WsClient } from './step-clients.js';

/**
 * The ports step kinds plug into. The runner depends only on these; the adapters in `src/steps/` implement them
 * and are listed in one table, `src/steps/registry.ts`.
 */

/** What a step helper needs from the running step: its deadline, tagging headers and an evidence sink. */
export interface StepScope {
  /** Aborts at the step deadline or when the journey is cancelled. Made on first use; `abort` costs less. */
  readonly signal: AbortSignal;
  /** The same deadline without an `AbortSignal`: what the adapters and undici listen to. */
  readonly abort: AbortSource;
  /** Absolute deadline (epoch ms); every timeout a helper sets is derived from it, never a library default. */
  readonly deadline: number;
  readonly maxBodyBytes: number;
  /** User-Agent, x-synthetic-probe and a fresh traceparent span for each call. */
  tagHeaders(): Record<string, string>;
  recordHttp(evidence: HttpEvidence): void;
  /** Registers a value minted during the run (a token) so it is redacted everywhere. */
  markSecret(value: string): void;
}

/** Connections that outlive the step that opened them (a chat WebSocket) and are closed when the journey ends. */
export interface JourneyResources {
  onClose(close: () => Promise<void> | void): void;
  /** The scope of the step running now, so a wait on an older connection obeys the current step's deadline. */
  current(): StepScope;
}

/**
 * The clients a step sees as `ctx.<name>`, one per registered step kind. A new kind adds its client here by
 * declaration merging from its own file (`declare module '../journey/step-ports.js' { interface StepClients { … } }`)
 * and one line in the registry; the registry's type makes a kind declared but not registered a compile error.
 */
export interface StepClients {
  readonly http: HttpClient;
  readonly ws: WsClient;
  readonly sse: SseClient;
}

/** Settings every step kind receives, from the config: body cap and TLS per origin. */
export interface StepKindSettings {
  maxBodyBytes: number;
  /** TLS options for a URL's origin (a custom CA, or verification off for an insecure target). */
  tlsFor?: ((url: string) => ConnectionOptions | undefined) | undefined;
}

/** Identifies one journey run, for kinds that keep journey-scoped state. */
export interface JourneyRun {
  runId: string;
  journey: string;
}

/**
 * One step kind. `forJourney` is called once per journey run (journey-scoped state, such as a cookie jar, lives in
 * its closure and is released through `resources.onClose`); the function it returns makes the client for one step.
 * `earlier` holds the clients of the kinds registered before this one, for the same step (SSE reuses `http`).
 */
export interface StepKind<K extends keyof StepClients> {
  readonly name: K;
  forJourney(
    resources: JourneyResources,
    settings: StepKindSettings,
    run: JourneyRun,
  ): (scope: StepScope, earlier: Partial<StepClients>) => StepClients[K];
}

/** The I/O helpers one step sees, plus evidence a step kind can collect when the step fails (a screenshot). */
export type StepIo = StepClients & {
  /**
   * A Playwright page in a fresh browser context for this journey run. A getter: without a browser, using it fails
   * the step as `prober`.
   */
  readonly page: Page;
  /**
   * Best effort: paths of artifacts written for a step that just ended (a screenshot when it failed, or, for a
   * retried journey's later attempts, proof of what the retry saw); never throws, never changes the verdict.
   */
  collectArtifacts?(step: string, outcome: { failed: boolean }): Promise<string[]>;
  /**
   * The step kind's reading of an error the step threw (Playwright's, for a step that used `ctx.page`): a categorised
   * StepFailure, or the error unchanged. Called before `classifyFailure`; never throws.
   */
  explainFailure?(err: unknown): Promise<unknown>;
};

/** The runner's hooks on a step's io, never exposed on `ctx`. */
const RUNNER_HOOKS = new Set(['collectArtifacts', 'explainFailure']);

/**
 * The per-step io factory, injected so the runner never imports undici, ws or Playwright itself. Called once per
 * journey run, so every attempt of a retried journey gets fresh journey-scoped state (a browser context); it may be
 * async (opening that context). Then called per step.
 */
export type StepIoFactory = (
  resources: JourneyResources,
  run: JourneyRun,
) => ((scope: StepScope) => StepIo) | Promise<(scope: StepScope) => StepIo>;

/** Where `ctx` keeps its step's io, for the shared getters below. */
const IO = Symbol('io');

/**
 * An enumerable getter per property name, made once and shared by every object that gets that property: the same
 * getter everywhere lets V8 share the objects' shape, where a closure per step and name made every `ctx` and step io
 * a slow dictionary object (about 25 µs of `defineProperty` per step on a warm run). `read` gets the object the
 * property was read on, so per-step state lives on that object, under symbols.
 */
export function sharedGetters<Self>(read: (self: Self, name: string) => unknown): (name: string) => PropertyDescriptor {
  const made = new Map<string, PropertyDescriptor>();
  return (name) => {
    let descriptor = made.get(name);
    if (descriptor === undefined) {
      descriptor = {
        enumerable: true,
        get(this: Self) {
          return read(this, name);
        },
      };
      made.set(name, descriptor);
    }
    return descriptor;
  };
}

/** `ctx.<client>`: the step io's client of that name. */
const forwarder = sharedGetters<{ [IO]: StepIo }>((self, key) => self[IO][key as keyof StepIo]);

/**
 * `target` with every client of `io` as a getter (not a copy: `page` throws when no browser is configured, and must
 * only do so when a step uses it). `collectArtifacts` stays the runner's.
 */
export function withClients<T extends object>(
  target: T,
  io: StepIo,
): T & Omit<StepIo, 'collectArtifacts' | 'explainFailure'> {
  Object.defineProperty(target, IO, { value: io });
  for (const key of Object.keys(io)) {
    if (RUNNER_HOOKS.has(key)) continue;
    Object.defineProperty(target, key, forwarder(key));
  }
  return target as T & Omit<StepIo, 'collectArtifacts' | 'explainFailure'>;
}
