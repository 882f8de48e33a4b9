import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './prosody.js';

export interface RedisServer {
  port: number;
  /** The current server process (a restart makes a new one). */
  pid(): number;
  /** Stops the server (SIGTERM, by PID) and waits for it to exit; `start()` brings it back on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
  restart(): Promise<void>;
  /** Stops for good and removes its directory. */
  close(): Promise<void>;
}

/**
 * A real Redis (Debian redis-server) with its own config in a temp dir: 127.0.0.1 and a free port, no persistence,
 * a password for the default user and an ACL user `probe`, started as our child and stopped by its PID.
 */
export async function startRedis(options: { password: string; aclUser?: { name: string; password: string } }) {
  const dir = mkdtempSync(join(tmpdir(), 'prober-redis-'));
  const port = await freePort();
  const conf = join(dir, 'redis.conf');
  const acl =
    options.aclUser === undefined ? '' : `user ${options.aclUser.name} on >${options.aclUser.password} ~* +@all\n`;
  writeFileSync(
    conf,
    `bind 127.0.0.1\nport ${port}\ndir ${dir}\nsave ""\nappendonly no\ndaemonize no\nrequirepass ${options.password}\n${acl}`,
  );
  let child: ChildProcess | undefined;
  const start = async () => {
    const started = spawn('/usr/bin/redis-server', [conf], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    await new Promise<void>((resolve, reject) => {
      started.stdout?.on('data', (d: Buffer) => {
        log += d.toString();
        if (log.includes('Ready to accept connections')) resolve();
      });
      started.once('exit', (code) => reject(new Error(`redis-server exited with ${code}:\n${log}`)));
    });
    child = started;
  };
  const stop = async () => {
    const c = child;
    if (c === undefined || c.exitCode !== null || c.signalCode !== null) return;
    const exited = once(c, 'exit');
    process.kill(c.pid ?? 0, 'SIGCONT'); // a frozen server must be able to act on the SIGTERM
    process.kill(c.pid ?? 0, 'SIGTERM');
    await exited;
  };
  await start();
  const server: RedisServer = {
    port,
    // Never 0: process.kill(0, …) would signal the test's own process group.
    pid: () => {
      if (child?.pid === undefined || child.exitCode !== null) throw new Error('redis-server is not running');
      return child.pid;
    },
    stop,
    start,
    restart: async () => {
      await stop();
      await start();
    },
    close: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return server;
}
