import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { freePort } from '../support/prosody.js';

const SCRIPT = fileURLToPath(new URL('./rpc-server.mjs', import.meta.url));

/** The gRPC or GraphQL-over-WebSocket server of rpc-server.mjs as a child process on a fixed port, by PID. */
export async function startRpcServer(kind: 'grpc' | 'graphql', token: string) {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    const c = spawn(process.execPath, [SCRIPT, kind, String(port), token], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      c.stdout?.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
      c.once('exit', (code) => reject(new Error(`${kind} server exited with ${code}`)));
    });
    child = c;
  };
  const stop = async () => {
    const c = child;
    if (c === undefined || c.exitCode !== null || c.signalCode !== null) return;
    const exited = once(c, 'exit');
    process.kill(c.pid ?? 0, 'SIGCONT');
    process.kill(c.pid ?? 0, 'SIGKILL');
    await exited;
  };
  await start();
  return {
    port,
    // Never 0: process.kill(0, …) would signal the test's own process group.
    pid: () => {
      if (child?.pid === undefined || child.exitCode !== null) throw new Error(`the ${kind} server is not running`);
      return child.pid;
    },
    stop,
    restart: async () => {
      await stop();
      await start();
    },
  };
}
