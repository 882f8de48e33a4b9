import { createServer, type Server } from 'node:http';
import { FAULT_CATALOG, FaultSpecError } from './fault-catalog.js';
import type { FaultStore } from './fault-controller.js';
import { guarded, jsonReply, parseJsonObject, pathOf, prepareResponse, readBody, sendReply } from './http-util.js';

const STEP_PATH = /^\/faults\/([^/]+)$/;

/**
 * Runtime fault switching for tests and demos. Each change is answered only after it has taken
 * effect (a refused port is closed or listening again), so a caller can act on the 204 at once.
 */
export function createControlServer(faults: FaultStore): Server {
  return createServer(
    guarded(async (req, res) => {
      if (prepareResponse(req, res, false)) return;
      const path = pathOf(req).pathname;
      const method = req.method ?? 'GET';
      if (path === '/faults' && method === 'GET') return sendReply(res, jsonReply(200, { faults: faults.list() }));
      if (path === '/catalog' && method === 'GET') return sendReply(res, jsonReply(200, FAULT_CATALOG));
      if (path === '/faults' && method === 'POST') {
        const { fault } = parseJsonObject(await readBody(req));
        if (typeof fault !== 'string')
          return sendReply(res, jsonReply(400, { error: 'body must be {"fault":"STEP=EFFECT"}' }));
        try {
          faults.set(fault);
        } catch (err) {
          if (err instanceof FaultSpecError) return sendReply(res, jsonReply(400, { error: err.message }));
          throw err;
        }
        await faults.settled();
        return sendReply(res, { status: 204 });
      }
      if (path === '/faults' && method === 'DELETE') {
        faults.clear();
        await faults.settled();
        return sendReply(res, { status: 204 });
      }
      const step = STEP_PATH.exec(path)?.[1];
      if (step !== undefined && method === 'DELETE') {
        const name = decodeURIComponent(step);
        if (FAULT_CATALOG[name] === undefined) {
          return sendReply(
            res,
            jsonReply(404, { error: `unknown step "${name}", steps: ${Object.keys(FAULT_CATALOG).join(', ')}` }),
          );
        }
        faults.clear(name);
        await faults.settled();
        return sendReply(res, { status: 204 });
      }
      sendReply(res, jsonReply(404, { error: 'not_found' }));
    }),
  );
}
