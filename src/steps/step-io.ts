import { StepFailure } from '../journey/errors.js';
import type { StepClients, StepIoFactory, StepKindSettings, StepScope } from '../journey/step-ports.js';
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
      for (const [name, make] of kinds) clients[name] = make(scope, clients as Partial<StepClients>);
      return Object.defineProperty(clients as unknown as StepClients, 'page', {
        enumerable: true,
        get(): never {
          throw new StepFailure('prober', 'this step uses ctx.page, but no browser is configured for this run');
        },
      }) as ReturnType<ReturnType<StepIoFactory>>;
    };
  };
}

/**
 * The API step kinds plus `ctx.page` for the journeys that have a browser page in `pages` (opened before the run
 * with `openBrowserPages`). Journeys without one keep the API io, whose `page` is a `prober` error.
 */
export function withBrowserPages(api: StepIoFactory, pages: BrowserPages): StepIoFactory {
  return (resources, run) => {
    const apiForStep = api(resources, run);
    const browserForStep = pages.attach(resources, run);
    if (browserForStep === undefined) return apiForStep;
    return (scope) => {
      const base = apiForStep(scope);
      const browser = browserForStep(scope);
      // Descriptors, not a spread: spreading would evaluate the API io's throwing `page` getter.
      const { page: _apiPage, collectArtifacts: _none, ...clients } = Object.getOwnPropertyDescriptors(base);
      return Object.defineProperties({}, {
        ...clients,
        page: { enumerable: true, get: () => browser.page },
        ...(browser.collectArtifacts === undefined ? {} : { collectArtifacts: { enumerable: true, value: browser.collectArtifacts } }),
      }) as ReturnType<ReturnType<StepIoFactory>>;
    };
  };
}
