import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { chownSync } from 'node:fs';
import { createServer } from 'node:net';

/** A port free on 127.0.0.1 right now (a server started on it may still race another; callers retry). */
export async function freePort(): Promise<number> {
  const s = createServer().listen(0, '127.0.0.1');
  await once(s, 'listening');
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

/**
 * Postgres and PgBouncer refuse to run as root: as root, they run as the Debian package's `postgres` user, and the
 * files they read are handed to it (`own`). As anyone else, as that user, and `own` does nothing.
 */
export function serviceUser(): { ids: { uid?: number; gid?: number }; own: (path: string) => void } {
  if (process.getuid?.() !== 0) return { ids: {}, own: () => undefined };
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }));
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }));
  return { ids: { uid, gid }, own: (path) => chownSync(path, uid, gid) };
}
