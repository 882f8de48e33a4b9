import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A real Prosody (Debian's package) serving XMPP over WebSocket (mod_websocket) on 127.0.0.1, with its own config and data. */
export interface Prosody {
  /** The WebSocket endpoint, ws://127.0.0.1:PORT/xmpp-websocket. */
  readonly url: string;
  readonly domain: string;
  readonly pid: number;
  /** SIGSTOP: the kernel still accepts connections, the server answers nothing. */
  freeze(): void;
  thaw(): void;
  /** SIGTERM by PID, and waits for the exit. Idempotent. */
  stop(): Promise<void>;
}

export const PROSODY = '/usr/bin/prosody';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function config(dir: string, port: number, domain: string): string {
  return `-- Written by the test: loopback only, its own data, plain SASL allowed because nothing leaves 127.0.0.1.
run_as_root = true
data_path = "${dir}/data"
certificates = "${dir}/certs"
interfaces = { "127.0.0.1" }
c2s_ports = { }
s2s_ports = { }
http_ports = { ${port} }
http_interfaces = { "127.0.0.1" }
https_ports = { }
https_interfaces = { }
modules_enabled = { "saslauth", "roster", "disco", "ping", "websocket", "http" }
modules_disabled = { "s2s", "offline", "tls" }
authentication = "internal_hashed"
allow_unencrypted_plain_auth = true
c2s_require_encryption = false
consider_websocket_secure = true
log = { { levels = { min = "info" }, to = "console" } }
VirtualHost "${domain}"
`;
}

/** Starts Prosody with `users` registered through prosodyctl against the test's own config; resolves once it serves WebSocket. */
export async function startProsody(
  users: { user: string; password: string }[],
  domain = 'localhost',
): Promise<Prosody> {
  const dir = mkdtempSync(join(tmpdir(), 'gpp-prosody-'));
  mkdirSync(join(dir, 'data'));
  mkdirSync(join(dir, 'certs'));
  const port = await freePort();
  const cfg = join(dir, 'prosody.cfg.lua');
  writeFileSync(cfg, config(dir, port, domain));
  for (const { user, password } of users) {
    execFileSync('prosodyctl', ['--config', cfg, 'register', user, domain, password], { stdio: 'ignore' });
  }
  const child: ChildProcess = spawn(PROSODY, ['--config', cfg, '-F'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let log = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (d: Buffer) => {
      log += d.toString();
      if (log.includes("Serving 'websocket'")) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`prosody exited with ${code} before serving WebSocket:\n${log}`)));
  });
  const pid = child.pid as number;
  let stopped = false;
  return {
    url: `ws://127.0.0.1:${port}/xmpp-websocket`,
    domain,
    pid,
    freeze: () => process.kill(pid, 'SIGSTOP'),
    thaw: () => process.kill(pid, 'SIGCONT'),
    async stop() {
      if (!stopped) {
        stopped = true;
        process.kill(pid, 'SIGCONT');
        process.kill(pid, 'SIGTERM');
        await exited;
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
