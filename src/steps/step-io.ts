import { StepFailure } from '../journey/errors.js';
import {
  sharedGetters,
  type StepClients,
  type StepIo,
  type StepIoFactory,
  type StepKindSettings,
  type StepScope,
} from '../journey/step-ports.js';
import type { BrowserPages } from './browser-step-io.js';
import { STEP_KINDS } from './registry.js';

type StepClientFactory = (scope: StepScope, earlier: Partial<StepClients>) => unknown;

/** The state of one step's API clients, kept under symbols so `Object.keys(io)` lists the clients alone. */
const SCOPE = Symbol('scope');
const MAKERS = Symbol('makers');
const MADE = Symbol('made');
interface ClientsState {
  [SCOPE]: StepScope;
  [MAKERS]: ReadonlyMap<string, StepClientFactory>;
  [MADE]: Record<string, unknown>;
}

/** `io.<kind>`: made when a step first uses it (most steps use one kind), then kept for the rest of the step. */
const clientGetter = sharedGetters<ClientsState>((self, name) => {
  const made = self[MADE];
  if (!(name in made)) made[name] = self[MAKERS].get(name)?.(self[SCOPE], self as Partial<StepClients>);
  return made[name];
});

const NO_BROWSER: PropertyDescriptor = {
  enumerable: true,
  get(): never {
    throw new StepFailure(
      'prober',
      'this step uses ctx.page, but its journey does not declare needs: { browser: true }',
    );
  },
};

/**
 * The API step io: one client per kind in `STEP_KINDS` (the registry is where kinds are wired), and a `page` that is
 * a `prober` error because no browser is configured for this journey.
 */
export function apiStepIo(settings: StepKindSettings): StepIoFactory {
  return (resources, run) => {
    const makers = new Map<string, StepClientFactory>(
      Object.values(STEP_KINDS).map((kind) => [
        kind.name,
        kind.forJourney(resources, settings, run) as StepClientFactory,
      ]),
    );
    return (scope) => {
      const clients: ClientsState = { [SCOPE]: scope, [MAKERS]: makers, [MADE]: {} };
      for (const name of makers.keys()) Object.defineProperty(clients, name, clientGetter(name));
      return Object.defineProperty(clients, 'page', NO_BROWSER) as unknown as StepIo;
    };
  };
}

/**
 * The API step kinds plus `ctx.page` for the journeys that drive a browser: each run of such a journey (each attempt
 * of a retried one) gets a fresh context and page from `pages`. Other journeys keep the API io, whose `page` is a
 * `prober` error.
 */
export function withBrowserPages(api: StepIoFactory, pages: BrowserPages): StepIoFactory {
  return async (resources, run) => {
    const apiForStep = await api(resources, run);
    const browserForStep = await pages.attach(resources, run);
    if (browserForStep === undefined) return apiForStep;
    return (scope) => {
      const base = apiForStep(scope);
      const browser = browserForStep(scope);
      // Descriptors, not a spread: spreading would evaluate the API io's throwing `page` getter.
      const {
        page: _apiPage,
        collectArtifacts: _none,
        explainFailure: _neither,
        ...clients
      } = Object.getOwnPropertyDescriptors(base);
      return Object.defineProperties(
        {},
        {
          ...clients,
          page: { enumerable: true, get: () => browser.page },
          ...(browser.collectArtifacts === undefined
            ? {}
            : { collectArtifacts: { enumerable: true, value: browser.collectArtifacts } }),
          ...(browser.explainFailure === undefined
            ? {}
            : { explainFailure: { enumerable: true, value: browser.explainFailure } }),
        },
      ) as StepIo;
    };
  };
}
