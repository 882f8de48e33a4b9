import { readFileSync, statSync, unwatchFile, watchFile, type Stats } from 'node:fs';
import type { Server as TlsServer } from 'node:tls';

/**
 * The certificate and key of the daemon's HTTPS server, read from files and re-read when either changes (a renewed
 * certificate, a Kubernetes Secret update, cert-manager), swapped in with `setSecureContext` so open connections
 * keep theirs and new handshakes get the new one. Polled with `fs.watchFile` rather than `fs.watch`: a Secret
 * volume swaps a symlink to a new directory and editors replace files, which `fs.watch` on the old inode misses.
 */
export interface TlsFiles {
  certFile: string;
  keyFile: string;
  reloadIntervalMs: number;
}

export interface KeyPair {
  cert: Buffer;
  key: Buffer;
}

export function readKeyPair(files: Pick<TlsFiles, 'certFile' | 'keyFile'>): KeyPair {
  return { cert: readFileSync(files.certFile), key: readFileSync(files.keyFile) };
}

/**
 * Watches both files; on a change reloads the pair into `server`. A half-written or mismatched pair (the cert
 * replaced before the key) is logged and the old one kept; the next change retries. Returns the stop function.
 */
export function watchKeyPair(
  server: TlsServer,
  files: TlsFiles,
  log: { info(obj: object, msg: string): void; error(obj: object, msg: string): void },
): () => void {
  let last = fingerprint(files);
  const onChange = () => {
    const now = fingerprint(files);
    if (now === last) return;
    try {
      server.setSecureContext(readKeyPair(files));
      last = now;
      log.info({ certFile: files.certFile }, 'server/tls-reloaded');
    } catch (err) {
      log.error(
        { certFile: files.certFile, err: err instanceof Error ? err.message : String(err) },
        'server/tls-reload-failed',
      );
    }
  };
  const options = { interval: files.reloadIntervalMs, persistent: false };
  watchFile(files.certFile, options, onChange);
  watchFile(files.keyFile, options, onChange);
  return () => {
    unwatchFile(files.certFile, onChange);
    unwatchFile(files.keyFile, onChange);
  };
}

function fingerprint(files: Pick<TlsFiles, 'certFile' | 'keyFile'>): string {
  const part = (path: string) => {
    const s: Stats | undefined = statSync(path, { throwIfNoEntry: false });
    return s === undefined ? 'absent' : `${s.ino}:${s.size}:${s.mtimeMs}`;
  };
  return `${part(files.certFile)}|${part(files.keyFile)}`;
}
