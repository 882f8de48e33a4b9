import type { Page } from 'playwright-core';
import type { z } from 'zod';
import type { StepClients } from './step-ports.js';
import type { ErrorMapper } from './map-error.js';
import type { Category } from './result-schema.js';
import { noteJourneyOptions, noteStepOptions } from './unknown-options.js';

export const DEFAULT_STEP_TIMEOUT_MS = 5_000;

export interface StepOptions {
  /** The service this step exercises; must be a key of the config's `targets`. */
  service: string;
  /** Hard deadline: the step is cancelled and fails as `timeout`. Default 5000 ms. */
  timeoutMs?: number;
  /** Soft latency budget: a step that passes but takes longer is `degraded`. Must be below `timeoutMs`. */
  budgetMs?: number;
  /** Cleanup: runs even after a failure and never changes the verdict. */
  always?: boolean;
  /** Maps errors a client library throws in this step to categories; tried before the journey's `mapError`. */
  mapError?: ErrorMapper;
  /** The variables this step reads and sets, with their types (usually one shape shared by the journey's steps). */
  vars?: VarShape;
}

/** Values passed from one step to later ones (a token, a session id). */
export interface Vars {
  set(name: string, value: unknown): void;
  has(name: string): boolean;
  /** Throws a prober error when an earlier step did not set `name`: a bug in the probe. */
  get<T = string>(name: string): T;
}

/** The journey's variables and their types: `{ token: z.string(), sessionId: z.uuid() }`. */
export type VarShape = Readonly<Record<string, z.ZodType>>;

/**
 * `ctx.vars` of a step that declares its variables (`step(name, { service, vars }, …)`): names are checked at compile
 * time and each value by its schema when set and read (a wrong value is the probe's bug: `prober`, status `error`).
 */
export interface TypedVars<S extends VarShape> {
  set<K extends keyof S & string>(name: K, value: z.input<S[K]>): void;
  has(name: keyof S & string): boolean;
  /** Throws a prober error when no earlier step set `name`. */
  get<K extends keyof S & string>(name: K): z.output<S[K]>;
}

/**
 * What a step function receives: the clients of every registered step kind (`http`, `ws`, `sse`) and these. Import it
 * to type a helper that takes `ctx`: `async function login(ctx: StepContext) { … }`; with declared variables,
 * `StepContext<TypedVars<typeof vars>>`.
 */
export interface StepContext<V = Vars> extends StepClients {
  readonly runId: string;
  readonly journey: string;
  readonly step: string;
  /** Aborts at the step deadline or when the run is cancelled: hand it to any client library that takes one. */
  readonly signal: AbortSignal;
  /** The step's deadline (epoch ms), for a library that takes a timeout: `ctx.deadline - Date.now()`. */
  readonly deadline: number;
  /**
   * The synthetic-traffic headers (user-agent, x-synthetic-probe with the run id) and a fresh W3C traceparent of
   * this journey's trace: add them to a library's handshake or request headers.
   */
  tagHeaders(): Record<string, string>;
  /**
   * Registers cleanup for the end of the journey run (after its last step, in reverse order, whatever happened), e.g.
   * a library client's `close`. Call it once, right after creating the client. Each gets at most 5 s.
   */
  defer(cleanup: () => unknown): void;
  /**
   * A Playwright page in a fresh browser context for this journey run, opened on first use and shared by the
   * journey's later steps. Using it without a browser available fails the step as `prober` (status `error`).
   */
  readonly page: Page;
  readonly vars: V;
  /** Base URL of a service from the config's `targets`, without trailing slash. */
  target(name: string): string;
  /** A resolved secret from the config; its value is redacted everywhere. */
  secret(name: string): string;
  /** A non-secret value from the config's `variables`. */
  variable(name: string): string;
  /** Redact a value minted during the run (a token, a cookie). */
  markSecret(value: string): void;
  /** Record a named measurement in the step's evidence (e.g. time to first delta). */
  record(metric: string, value: number): void;
  /** Milliseconds since this step started. */
  elapsedMs(): number;
  /** Ends the step as `skipped` (e.g. there is no session to close). */
  skip(reason: string): never;
  /** Ends the step as failed with a category of your choice. */
  fail(category: Exclude<Category, 'prober' | 'aborted'>, message: string): never;
}

export type StepFn = (ctx: StepContext) => Promise<void> | void;

export interface StepDefinition {
  readonly kind: 'step';
  readonly name: string;
  readonly service: string;
  readonly timeoutMs: number;
  readonly budgetMs: number | undefined;
  readonly always: boolean;
  readonly location: string | undefined;
  readonly mapError: ErrorMapper | undefined;
  /** The declared variables, checked at run time by `ctx.vars`; undefined: untyped `ctx.vars`. */
  readonly vars: VarShape | undefined;
  readonly run: StepFn;
}

export interface JourneyOptions {
  name: string;
  description: string;
  /** What users can do when this passes, used in the verdict: "Users can log in and chat". */
  capability: string;
  tags?: string[];
  /** Whole-journey deadline. Default: the sum of step timeouts. */
  timeoutMs?: number;
  /** Whole-journey latency budget for `degraded`. */
  budgetMs?: number;
  /**
   * What the journey needs: the config's secrets and variables it reads (so `prober validate` can check them before a
   * run), and `browser: true` when its steps use `ctx.page` (each run then gets a fresh Chromium context and page).
   */
  needs?: { secrets?: string[]; variables?: string[]; browser?: boolean };
  steps: StepDefinition[];
  /** Removes what a killed run left behind; run after each journey and by `prober janitor`. */
  janitor?: JanitorDefinition;
  /**
   * Maps errors a client library throws in any step of this journey to categories (after the step's own mapError),
   * so no step needs a try/catch. See "Bring your own client" in the README.
   */
  mapError?: ErrorMapper;
  /** The journey's variables with their types: steps that declare none get these checks at run time too. */
  vars?: VarShape;
}

/** Deletes synthetic leftovers (e.g. chat sessions) older than `olderThanMs` and returns how many it deleted. */
export type JanitorFn = (ctx: StepContext, olderThanMs: number) => Promise<number>;

export interface JanitorDefinition {
  readonly kind: 'janitor';
  readonly service: string;
  readonly timeoutMs: number;
  readonly run: JanitorFn;
}

export function janitor(options: { service: string; timeoutMs?: number }, run: JanitorFn): JanitorDefinition {
  return Object.freeze({ kind: 'janitor', service: options.service, timeoutMs: options.timeoutMs ?? 10_000, run });
}

export interface JourneyDefinition
  extends Required<Omit<JourneyOptions, 'budgetMs' | 'needs' | 'janitor' | 'mapError' | 'vars'>> {
  readonly mapError: ErrorMapper | undefined;
  readonly kind: 'journey';
  readonly budgetMs: number | undefined;
  readonly janitor: JanitorDefinition | undefined;
  readonly needs: { secrets: string[]; variables: string[]; browser: boolean };
}

/** A step whose `ctx.vars` is typed by `options.vars`: `ctx.vars.get('token')` is a `string`, no cast. */
export function step<S extends VarShape>(
  name: string,
  options: StepOptions & { vars: S },
  run: (ctx: StepContext<TypedVars<S>>) => Promise<void> | void,
): StepDefinition;
export function step(name: string, options: StepOptions, run: StepFn): StepDefinition;
export function step(name: string, options: StepOptions, run: StepFn): StepDefinition {
  const timeoutMs = options.timeoutMs ?? DEFAULT_STEP_TIMEOUT_MS;
  const def = Object.freeze({
    kind: 'step',
    name,
    service: options.service,
    timeoutMs,
    budgetMs: options.budgetMs,
    always: options.always ?? false,
    location: callerLocation(),
    mapError: options.mapError,
    vars: options.vars,
    run,
  });
  return noteStepOptions(def, options); // a misspelt option is refused by validation, not dropped in silence
}

export function journey(options: JourneyOptions): JourneyDefinition {
  const def = Object.freeze({
    kind: 'journey',
    name: options.name,
    description: options.description,
    capability: options.capability,
    tags: options.tags ?? [],
    timeoutMs: options.timeoutMs ?? options.steps.reduce((sum, s) => sum + s.timeoutMs, 0),
    budgetMs: options.budgetMs,
    needs: {
      secrets: options.needs?.secrets ?? [],
      variables: options.needs?.variables ?? [],
      browser: options.needs?.browser ?? false,
    },
    // Steps without their own declaration check the journey's, so an untyped step cannot store a wrong value either.
    steps: options.steps.map((s) =>
      s.vars !== undefined || options.vars === undefined ? s : Object.freeze({ ...s, vars: options.vars }),
    ),
    janitor: options.janitor,
    mapError: options.mapError,
  });
  return noteJourneyOptions(def, options);
}

export function isJourneyDefinition(value: unknown): value is JourneyDefinition {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'journey';
}

/** `probes/golden-path-api.ts:42` for the line that called `step()`, so a failure points at the probe source. */
function callerLocation(): string | undefined {
  const frames = new Error().stack?.split('\n') ?? [];
  const frame = frames[3];
  const match = frame?.match(/\(?(?:file:\/\/)?([^()\s]+):(\d+):\d+\)?$/);
  if (match === null || match === undefined) return undefined;
  const file = match[1] ?? '';
  const cwd = `${process.cwd()}/`;
  return `${file.startsWith(cwd) ? file.slice(cwd.length) : file}:${match[2]}`;
}
