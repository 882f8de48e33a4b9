import { StepFailure } from '../journey/errors.js';
import type { StepClients, StepIo, StepIoFactory, StepKindSettings, StepScope } from '../journey/step-ports.js';
import type { BrowserPages } from './browser-step-io.js';
import { STEP_KINDS } from './registry.js';

type StepClientFactory = (scope: StepScope, earlier: Partial<StepClients>) => unknown;

/**
 * The API step io: one client per kind in `STEP_KINDS` (the registry is where kinds are wired), and a `page` that is
 * a `prober` error because no browser is configured for this journey.
 */
export function apiStepIo(settings: StepKindSettings): StepIoFactory {
  return (resources, run) => {
    const kinds = Object.values(STEP_KINDS).map(
      (kind) => [kind.name, kind.forJourney(resources, settings, run) as StepClientFactory] as const,
    );
    return (scope) => {
      const clients: Record<string, unknown> = {};
      // Made when a step first uses one (most steps use one kind), then kept for the rest of the step.
      for (const [name, make] of kinds) {
        let made: { client: unknown } | undefined;
        Object.defineProperty(clients, name, {
          enumerable: true,
          get: () => {
            made ??= { client: make(scope, clients as Partial<StepClients>) };
            return made.client;
          },
        });
      }
      return Object.defineProperty(clients as unknown as StepClients, 'page', {
        enumerable: true,
        get(): never {
          throw new StepFailure(
            'prober',
            'this step uses ctx.page, but its journey does not declare needs: { browser: true }',
          );
        },
      }) as StepIo;
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
