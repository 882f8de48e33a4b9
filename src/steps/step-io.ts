import type { StepIoFactory } from '../journey/runner.js';
import { StepFailure } from '../journey/errors.js';
import type { BrowserPages } from './browser-step-io.js';
import { createHttpClient, type HttpClientOptions } from './http.js';
import { createSseClient } from './sse.js';
import { createWsClient } from './websocket.js';

/** The registry of API step kinds: the only place that wires undici, ws and SSE into a step context. */
export function apiStepIo(options: HttpClientOptions & { maxBodyBytes: number }): StepIoFactory {
  return (resources) => (scope) => {
    const http = createHttpClient(scope, options);
    return {
      http,
      ws: createWsClient(scope, resources, options.maxBodyBytes, options.tlsFor),
      sse: createSseClient(http, resources, options.maxBodyBytes),
      get page(): never {
        throw new StepFailure('prober', 'this step uses ctx.page, but no browser is configured for this run');
      },
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
      // Not a spread: spreading would evaluate the API io's throwing `page` getter.
      return {
        http: base.http,
        ws: base.ws,
        sse: base.sse,
        get page() {
          return browser.page;
        },
        ...(browser.collectArtifacts === undefined ? {} : { collectArtifacts: browser.collectArtifacts }),
      };
    };
  };
}
