import { readFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Server } from 'socket.io';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packedProject, type PackedProject } from '../support/packed-project.js';

// A real Socket.IO server (npm socket.io) with a token handshake, rooms and an echo; the shipped recipe drives it
// with socket.io-client through the bring-your-own-client contract (deadline, tagHeaders, defer, mapError).
const TOKEN = 'canary-SocketToken-4471';

let project: PackedProject;
let dir: string;
let io: Server;
let url: string;
let silent = false;
const handshakes: IncomingHttpHeaders[] = [];
const outputs: string[] = [];

async function run(token = TOKEN) {
  const r = await project.prober(['run', '--config', 'prober.config.json', '--reporter', 'json'], {
    cwd: dir,
    env: { CHAT_TOKEN: token },
  });
  outputs.push(r.stdout, r.stderr);
  const journey = (
    JSON.parse(r.stdout) as {
      journeys: {
        status: string;
        failure?: { step: string; category: string; message: string };
        steps: { status: string }[];
      }[];
    }
  ).journeys[0]!;
  return { code: r.code, stderr: r.stderr, journey };
}

beforeAll(async () => {
  const http = createServer();
  io = new Server(http);
  io.use((socket, next) => {
    handshakes.push(socket.handshake.headers);
    if (socket.handshake.auth.token === TOKEN) return next();
    next(Object.assign(new Error('unauthorized'), { data: { reason: 'bad token' } }));
  });
  io.on('connection', (socket) => {
    socket.on('join', (room: string, ack: (a: unknown) => void) => {
      void socket.join(room);
      ack({ ok: true });
    });
    socket.on('message', (m: { room: string; text: string }) => {
      if (!silent) io.to(m.room).emit('message', m);
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  project = packedProject();
  dir = await project.workspace({
    'socketio-chat.ts': await readFile(
      join(project.root, 'node_modules/golden-path-prober/examples/protocols/socketio-chat.ts'),
      'utf8',
    ),
    'prober.config.json': JSON.stringify({
      environment: 'socketio',
      targets: { chat: url },
      probes: ['socketio-chat.ts'],
      secrets: { chatToken: '${env:CHAT_TOKEN}' },
      variables: { chatRoom: 'probe-room' },
    }),
  });
});
afterAll(async () => {
  await new Promise<void>((resolve) => io.close(() => resolve()));
  for (const out of outputs) expect(out).not.toContain(TOKEN);
});

describe('Socket.IO through the bring-your-own-client contract', () => {
  it('healthy: token handshake, join a room, our message broadcast back → pass, with the synthetic headers on the handshake', async () => {
    const r = await run();
    expect(r.code, r.stderr).toBe(0);
    expect(r.journey.steps.map((s) => s.status)).toEqual(['pass', 'pass', 'pass']);
    const last = handshakes.at(-1)!;
    expect(last['x-synthetic-probe']).toMatch(/.+/);
    expect(last.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  });

  it('handshake refused (wrong token) → auth at chat.connect, through the journey mapError', async () => {
    const r = await run('not-the-token');
    expect(r.code).toBe(1);
    expect(r.journey.failure).toMatchObject({
      step: 'chat.connect',
      category: 'auth',
      message: 'Socket.IO handshake refused: unauthorized',
    });
  });

  it('silent room → timeout at chat.echo', async () => {
    silent = true;
    try {
      const r = await run();
      expect(r.code).toBe(1);
      expect(r.journey.failure).toMatchObject({ step: 'chat.echo', category: 'timeout' });
    } finally {
      silent = false;
    }
  });

  it('server down → network at chat.connect: an unmapped library error, judged by checking the service', async () => {
    await new Promise<void>((resolve) => io.close(() => resolve()));
    const r = await run();
    expect(r.code).toBe(1);
    expect(r.journey.failure).toMatchObject({ step: 'chat.connect', category: 'network' });
    // Judged from the wire: the connect the library made was refused.
    expect(r.journey.failure!.message).toMatch(/connection refused \(127\.0\.0\.1:\d+\)/);
  });
});
