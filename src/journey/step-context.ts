import type { StepContext, StepDefinition, Vars } from './define.js';
import { StepFailure, StepSkipped } from './errors.js';
import { boundedCleanup } from './map-error.js';
import { suggestName } from './nearest-name.js';
import { round } from './step-result.js';
import { checkedVars } from './vars.js';
import type { OpenStep } from './step-scope.js';
import { sharedGetters, withClients, type JourneyResources, type StepIo, type StepScope } from './step-ports.js';

/** How long one `ctx.defer` cleanup may take at journey end. */
const DEFER_BOUND_MS = 5_000;

/** What a step's `ctx` reads from its journey run. */
export interface StepContextInput {
  runId: string;
  journey: string;
  targets: Readonly<Record<string, string>>;
  secrets: Readonly<Record<string, string>>;
  variables: Readonly<Record<string, string>>;
  vars: Vars;
  resources: JourneyResources;
}

/** The `ctx` a step function receives: the run's values, the step's scope, and every step kind's client from `io`. */
export function makeStepContext(s: StepDefinition, step: OpenStep, io: StepIo, run: StepContextInput): StepContext {
  const { scope } = step;
  const ctx: Omit<StepContext, keyof StepIo | 'signal'> = {
    runId: run.runId,
    journey: run.journey,
    step: s.name,
    deadline: scope.deadline,
    tagHeaders: scope.tagHeaders,
    defer: (cleanup) => run.resources.onClose(boundedCleanup(cleanup, DEFER_BOUND_MS)),
    vars: s.vars === undefined ? run.vars : checkedVars(run.vars, s.vars),
    target: (name) => lookup(run.targets, name, 'target').replace(/\/+$/, ''),
    secret: (name) => {
      const value = lookup(run.secrets, name, 'secret');
      step.secretsRead ??= [];
      if (!step.secretsRead.includes(name)) step.secretsRead.push(name);
      return value;
    },
    variable: (name) => lookup(run.variables, name, 'variable'),
    markSecret: scope.markSecret,
    record: (metric, value) => {
      step.metrics[metric] = round(value);
    },
    elapsedMs: step.elapsedMs,
    skip: (reason) => {
      throw new StepSkipped(reason);
    },
    fail: (category, message) => {
      throw new StepFailure(category, message);
    },
  };
  Object.defineProperty(ctx, SCOPE, { value: scope });
  Object.defineProperty(ctx, 'signal', SIGNAL);
  return withClients(ctx as Omit<StepContext, keyof StepIo>, io);
}

/** Where `ctx` keeps its step's scope, for the shared `signal` getter. */
const SCOPE = Symbol('scope');
/** `ctx.signal`: the step's AbortSignal, made only for a probe that reads it. */
const SIGNAL = sharedGetters<{ [SCOPE]: StepScope }>((self) => self[SCOPE].signal)('signal');

function lookup(map: Readonly<Record<string, string>>, name: string, kind: string): string {
  const value = map[name];
  if (value === undefined) {
    throw new StepFailure(
      'prober',
      `the probe asked for ${kind} "${name}", which the config does not define${suggestName(name, Object.keys(map))}`,
    );
  }
  return value;
}
