import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';

/**
 * The journeys' target: a no-op HTTP server on 127.0.0.1 and a free port, in a process of its own so its work is
 * not charged to the replicas' event loop. `GET /` answers 204, `GET /fail` 500 (a failing step, so alert
 * evaluation has incidents to open and resolve), `POST /hook` 204 (the webhook channel's receiver).
 */
export interface NoopTarget {
  url: string;
  stop(): Promise<void>;
}

export async function startNoopTarget(): Promise<NoopTarget> {
  // fork() passes this process's execArgv (`--import tsx`) on, so the child loads this same file.
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['serve'], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const [port] = (await once(child, 'message')) as [number];
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      child.kill('SIGTERM');
      if (child.exitCode === null) await once(child, 'exit');
    },
  };
}

function serve(): void {
  const server = createServer((req, res) => {
    // The body (a webhook's notification) is read to its end so the connection can be kept alive.
    req.resume();
    req.on('end', () => {
      res.statusCode = req.url === '/fail' ? 500 : 204;
      res.end();
    });
  });
  server.keepAliveTimeout = 5_000;
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    if (address !== null && typeof address === 'object') process.send?.(address.port);
  });
  process.on('SIGTERM', () => process.exit(0));
  process.on('disconnect', () => process.exit(0));
}

if (process.argv[2] === 'serve' && process.send !== undefined) serve();
