import type { Server } from 'node:http';
import type { Socket } from 'node:net';

const HOST = '127.0.0.1';

/**
 * Owns one service's listening socket and every connection it accepted, so the sandbox can
 * (a) close the port for `refuse` and re-open it on the same port, and (b) shut down at once
 * even when a `hang`, `drip` or WebSocket connection would otherwise keep it alive.
 */
export class ServiceListener {
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  #port = 0;
  #listening = false;
  #closed = false;
  /** Serialises suspend/resume so a quick refuse → clear → refuse ends in the last requested state. */
  #queue: Promise<void> = Promise.resolve();

  constructor(server: Server) {
    this.#server = server;
    server.on('connection', (socket: Socket) => {
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
    });
  }

  get port(): number {
    return this.#port;
  }

  get url(): string {
    return `http://${HOST}:${this.#port}`;
  }

  async listen(port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      this.#server.once('error', onError);
      this.#server.listen(port, HOST, () => {
        this.#server.off('error', onError);
        resolve();
      });
    });
    const address = this.#server.address();
    if (address === null || typeof address === 'string') throw new Error('server has no TCP address');
    this.#port = address.port;
    this.#listening = true;
  }

  /** Closes or re-opens the port to match `refused`. */
  setRefused(refused: boolean): Promise<void> {
    this.#queue = this.#queue
      .catch(() => undefined)
      .then(async () => {
        if (this.#closed) return;
        if (refused && this.#listening) await this.#stop();
        else if (!refused && !this.#listening) await this.listen(this.#port);
      });
    return this.#queue;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#stop();
  }

  async #stop(): Promise<void> {
    this.#listening = false;
    const stopped = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    // Existing keep-alive and hung connections would keep answering (or keep close() waiting): a
    // refused port must refuse everything, so they go too.
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
    await stopped;
  }
}
