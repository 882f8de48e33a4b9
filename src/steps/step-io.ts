import type { StepIoFactory } from '../journey/runner.js';
import { StepFailure } from '../journey/errors.js';
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
