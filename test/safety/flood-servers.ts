import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';

/**
 * Servers that send without end what nobody asked for: a WebSocket server flooding frames and an SSE server
 * flooding events, each for at most `forMs` or until the client goes away. They write only as fast as the socket
 * drains (bufferedAmount / write()'s return), so the flood is what the network delivers, not the server's own heap.
 */
export interface FloodServer {
  url: string;
  /** Frames or events written so far. */
  sent(): number;
  close(): Promise<void>;
}

async function listening(server: Server): Promise<string> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export async function startWsFlood(frame: string, forMs: number): Promise<FloodServer> {
  const http = createServer();
  const wss = new WebSocketServer({ server: http });
  let sent = 0;
  wss.on('connection', (socket) => {
    const until = Date.now() + forMs;
    const pump = () => {
      if (socket.readyState !== socket.OPEN || Date.now() > until) return;
      for (let i = 0; i < 1_000 && socket.bufferedAmount < 1 << 20; i++, sent++) socket.send(frame);
      setImmediate(pump);
    };
    pump();
  });
  const url = (await listening(http)).replace('http:', 'ws:');
  return {
    url,
    sent: () => sent,
    close: async () => {
      for (const c of wss.clients) c.terminate();
      wss.close();
      http.closeAllConnections();
      await new Promise((r) => http.close(r));
    },
  };
}

export async function startSseFlood(event: string, forMs: number): Promise<FloodServer> {
  let sent = 0;
  const http = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const until = Date.now() + forMs;
    const pump = () => {
      if (res.destroyed || Date.now() > until) return void res.end();
      let room = true;
      for (let i = 0; i < 500 && room; i++, sent++) room = res.write(event);
      if (room) setImmediate(pump);
      else res.once('drain', pump);
    };
    pump();
  });
  const url = await listening(http);
  return {
    url,
    sent: () => sent,
    close: async () => {
      http.closeAllConnections();
      await new Promise((r) => http.close(r));
    },
  };
}
