import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A raw TCP server for responses no well-behaved HTTP library would produce (101 to a GET, close-delimited
 * HTTP/1.0, endless bodies). Each connection gets the handler; every socket is destroyed on close.
 */
export async function startRawServer(
  handler: (socket: Socket, request: string) => void,
): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let head = '';
    const onData = (d: Buffer) => {
      head += d.toString('latin1');
      if (head.includes('\r\n\r\n')) {
        socket.off('data', onData);
        handler(socket, head);
      }
    };
    socket.on('data', onData);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

/** Writes `total` bytes (Infinity for an endless stream) as fast as the client reads, stopping when it goes away. */
export function writeBody(socket: Socket, total: number, chunk = Buffer.alloc(64 * 1024, 0x61)): void {
  let sent = 0;
  const pump = () => {
    while (sent < total && !socket.destroyed) {
      sent += chunk.length;
      if (!socket.write(chunk)) return void socket.once('drain', pump);
    }
    if (sent >= total) socket.end();
  };
  pump();
}
