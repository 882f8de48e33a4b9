import { createServer, type Server } from 'node:http';
import type { FaultStore } from './fault-controller.js';
import { serveWithFault, type HttpFaultContext } from './http-fault.js';
import { guarded, jsonReply, pathOf, prepareResponse, sendReply, type Reply } from './http-util.js';
import { chatPage, loginPage, type PageConfig } from './web-pages.js';

export interface WebDeps {
  /** Read per request: the auth and backend URLs are only known once every service listens. */
  urls: PageConfig;
  faults: FaultStore;
  faultContext: HttpFaultContext;
  /** Read per request: a rollout changes it while the service runs. */
  version: () => string;
}

export function createWebServer(deps: WebDeps): Server {
  return createServer(
    guarded(async (req, res) => {
      if (prepareResponse(req, res, false)) return;
      const path = pathOf(req).pathname;
      if (req.method !== 'GET' && req.method !== 'HEAD')
        return sendReply(res, jsonReply(405, { error: 'method_not_allowed' }));
      if (path === '/') return sendReply(res, { status: 302, headers: { location: '/login' } });
      if (path === '/health') return sendReply(res, jsonReply(200, { status: 'ok', service: 'web' }));
      if (path === '/version') return sendReply(res, jsonReply(200, { service: 'web', version: deps.version() }));
      const render = path === '/login' ? loginPage : path === '/chat' ? chatPage : undefined;
      if (render === undefined) return sendReply(res, jsonReply(404, { error: 'not_found' }));
      const config: PageConfig = { auth: deps.urls.auth, backend: deps.urls.backend };
      await serveWithFault(deps.faultContext, {
        req,
        res,
        fault: deps.faults.get('web.page'),
        handle: async (): Promise<Reply> => ({
          status: 200,
          body: render(config),
          contentType: 'text/html; charset=utf-8',
          headers: { 'cache-control': 'no-store' },
        }),
      });
    }),
  );
}
