import { connect, type Socket } from 'node:net';
import { createServer, type Server } from 'node:tls';

export interface TlsFrontOptions {
  key: string | Buffer;
  cert: string | Buffer;
  /** The plain http:// service this front forwards to, e.g. the sandbox's auth URL. */
  target: string;
}

export interface TlsFront {
  /** https:// URL of the front on 127.0.0.1; use wss:// with the same host and port for WebSockets. */
  url: string;
  close(): Promise<void>;
}

/**
 * Terminates TLS in front of a sandbox service, as a load balancer would, and pipes the decrypted bytes to it.
 * The certificate is whatever the test made (valid, expired, self-signed, wrong name), so every TLS failure a
 * real deploy can produce is reproducible on loopback without touching the services themselves.
 */
export async function startTlsFront(options: TlsFrontOptions): Promise<TlsFront> {
  const target = new URL(options.target);
  const sockets = new Set<Socket>();
  const server: Server = createServer({ key: options.key, cert: options.cert }, (client) => {
    const upstream = connect(Number(target.port), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.once('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  // A handshake the client rejects (expired, unknown CA) surfaces here; it is the expected outcome of those tests.
  server.on('tlsClientError', () => undefined);
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('TLS front has no TCP address');
  return {
    url: `https://127.0.0.1:${address.port}`,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}
