/**
 * Recipe: a Socket.IO chat through the bring-your-own-client contract, with socket.io-client (`npm i socket.io-client`).
 *
 * Config: targets.chat = the Socket.IO server ('https://chat.example.com'), secrets.chatToken (sent in the handshake's
 * `auth`), variables.chatRoom. The server is expected to answer `join` with an acknowledgement `{ ok: true }` and to
 * broadcast a `message` to the room, its sender included.
 *
 * The contract: the library gets the step's deadline (`ctx.deadline`) and the synthetic headers (`ctx.tagHeaders()`),
 * its client is closed once at the end of the journey (`ctx.defer`), and its errors are mapped to categories once,
 * in `mapError`. Waits need no timeout of their own: at the step deadline the step ends as `timeout`.
 */
import { journey, step, type StepContext } from 'golden-path-prober';
import { io, type Socket } from 'socket.io-client';

/** Resolves on the first `event` whose payload passes `match`; the listener is removed when the step ends. */
function nextEvent<T>(ctx: StepContext, socket: Socket, event: string, match: (payload: T) => boolean): Promise<T> {
  return new Promise((resolve) => {
    const listener = (payload: T) => {
      if (!match(payload)) return;
      socket.off(event, listener);
      resolve(payload);
    };
    socket.on(event, listener);
    ctx.signal.addEventListener('abort', () => socket.off(event, listener), { once: true });
  });
}

const chat = (ctx: StepContext) => ctx.vars.get<Socket>('socket');

export default journey({
  name: 'socketio-chat',
  description: 'join a Socket.IO chat room with a token and see our message broadcast back',
  capability: 'Users can chat in rooms',
  needs: { secrets: ['chatToken'], variables: ['chatRoom'] },
  // socket.io-client reports a refused handshake as an Error carrying the server's `data`, with no code: say what it
  // means here, once. Transport errors (server down) need no mapping: the prober checks the service and reads a
  // refused connection as `network`.
  mapError: (err) => {
    const e = err as { type?: string; data?: unknown; message?: string };
    if (e.type !== 'TransportError' && e.data !== undefined)
      return { category: 'auth', message: `Socket.IO handshake refused: ${e.message}` };
    return undefined;
  },
  steps: [
    step('chat.connect', { service: 'chat' }, async (ctx) => {
      const socket = io(ctx.target('chat'), {
        auth: { token: ctx.secret('chatToken') },
        extraHeaders: ctx.tagHeaders(),
        transports: ['websocket'],
        reconnection: false,
        timeout: Math.max(1, ctx.deadline - Date.now()),
      });
      ctx.defer(() => socket.disconnect());
      ctx.vars.set('socket', socket);
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
    }),
    step('chat.join', { service: 'chat' }, async (ctx) => {
      const ack = (await chat(ctx).emitWithAck('join', ctx.variable('chatRoom'))) as { ok?: boolean };
      if (ack?.ok !== true) ctx.fail('assertion', 'the server did not let us join the room');
    }),
    step('chat.echo', { service: 'chat' }, async (ctx) => {
      const socket = chat(ctx);
      const nonce = `probe-${ctx.runId.slice(0, 8)}-${Date.now()}`;
      const echoed = nextEvent<{ text?: string }>(ctx, socket, 'message', (m) => m?.text === nonce);
      socket.emit('message', { room: ctx.variable('chatRoom'), text: nonce });
      await echoed;
      ctx.record('roundTripMs', ctx.elapsedMs());
    }),
  ],
});
