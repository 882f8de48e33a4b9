import { request as httpRequest, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { ServerConfigSchema } from '../../src/config/daemon-config.js';
import { ProberMetrics } from '../../src/report/metrics.js';
import { closeServer, createEndpointServer, listen } from '../../src/schedule/http-endpoints.js';
import { TickMonitor } from '../../src/schedule/tick-monitor.js';
import { SqliteRunStore } from '../../src/store/sqlite-run-store.js';

/** The daemon's endpoint server over a fresh store, configured by a `server` section as a user writes it. */
export interface Endpoint {
  url: string;
  port: number;
  warnings: string[];
  close(): Promise<void>;
}

export async function startEndpoint(
  server: Record<string, unknown>,
  extra: { artifactsDir?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<Endpoint> {
  const dir = mkdtempSync(join(tmpdir(), 'prober-server-'));
  const store = new SqliteRunStore(join(dir, 'state.db'));
  const warnings: string[] = [];
  const log = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(line) });
  const http: Server = createEndpointServer({
    store,
    metrics: new ProberMetrics({ defaultMetrics: false }),
    monitor: new TickMonitor(() => 0, 1_000),
    log,
    stopping: () => false,
    artifactsDir: extra.artifactsDir,
    page: { environment: 'test' },
    server: ServerConfigSchema.parse(server),
    ...(extra.env === undefined ? {} : { env: extra.env }),
  });
  const url = await listen(http, '127.0.0.1', 0);
  return {
    url,
    port: Number(new URL(url).port),
    warnings,
    close: async () => {
      await closeServer(http);
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request with exactly the headers given (Host included), over TLS when `ca` is given. */
export function get(
  url: string,
  path: string,
  headers: Record<string, string> = {},
  tls?: { ca: string },
): Promise<Answer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const options = { host: hostname, port, path, method: 'GET', headers, agent: false as const };
    const onResponse = (res: import('node:http').IncomingMessage) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    };
    const req =
      tls === undefined
        ? httpRequest(options, onResponse)
        : httpsRequest({ ...options, ca: tls.ca, servername: 'localhost' }, onResponse);
    req.on('error', reject);
    req.end();
  });
}

export function basic(user: string, password: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` };
}
