// A cheap loopback chat target in its own process, speaking the sandbox's golden-path protocol without its scrypt
// password check, fault hooks or SQLite: what the benches measure against, so the figures show what the *client*
// pays. It also serves the sandbox's two web pages (from dist/, so build first) on the same origin, for the browser
// bench. Prints one JSON line {"auth","backend","web"} when listening; stops on SIGTERM or when stdin closes.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';
import { chatPage, loginPage } from '../dist/sandbox/web-pages.js';

const sessions = new Set();
const tokens = new Set();

function json(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

// Browsers cannot set Authorization on a WebSocket: the web page sends its token as a `bearer.<token>` subprotocol.
function authorized(req) {
  const auth = req.headers.authorization ?? '';
  const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
  const fromProtocol = offered.find((p) => p.startsWith('bearer.'))?.slice('bearer.'.length);
  return tokens.has(auth.replace(/^Bearer /, '')) || (fromProtocol !== undefined && tokens.has(fromProtocol));
}

function page(res, html) {
  res.writeHead(200, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
    'cache-control': 'no-store',
  });
  res.end(html);
}

const server = createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    const url = new URL(req.url, 'http://x');
    const base = `http://${req.headers.host}`;
    if (req.method === 'GET' && url.pathname === '/login') return page(res, loginPage({ auth: base, backend: base }));
    if (req.method === 'GET' && url.pathname === '/chat') return page(res, chatPage({ auth: base, backend: base }));
    if (req.method === 'POST' && url.pathname === '/auth/login') {
      const { email, password } = JSON.parse(body || '{}');
      if (!email || !password) return json(res, 401, { error: 'invalid_credentials' });
      const token = randomUUID();
      tokens.add(token);
      return json(res, 200, { access_token: token, token_type: 'Bearer', expires_in: 900 });
    }
    if (!authorized(req)) return json(res, 401, { error: 'unauthorized' });
    if (req.method === 'POST' && url.pathname === '/auth/logout') {
      tokens.delete((req.headers.authorization ?? '').replace(/^Bearer /, ''));
      res.writeHead(204);
      return res.end();
    }
    if (req.method === 'POST' && url.pathname === '/api/sessions') {
      const id = randomUUID();
      sessions.add(id);
      return json(res, 201, { session_id: id });
    }
    const m = url.pathname.match(/^\/api\/sessions\/([^/]+)$/);
    if (req.method === 'DELETE' && m) {
      const existed = sessions.delete(decodeURIComponent(m[1]));
      res.writeHead(existed ? 204 : 404);
      return res.end();
    }
    json(res, 404, { error: 'not_found' });
  });
});

// The page offers ['chat.v1', 'bearer.<token>']: answer with chat.v1, as the sandbox does.
const wss = new WebSocketServer({
  noServer: true,
  handleProtocols: (protocols) => (protocols.has('chat.v1') ? 'chat.v1' : false),
});
server.on('upgrade', (req, socket, head) => {
  const url = new URL(req.url, 'http://x');
  if (url.pathname !== '/ws' || !authorized(req) || !sessions.has(url.searchParams.get('session_id'))) {
    socket.end('HTTP/1.1 401 Unauthorized\r\n\r\n');
    return;
  }
  wss.handleUpgrade(req, socket, head, (ws) => {
    ws.send(JSON.stringify({ type: 'ready' }));
    ws.on('message', (data) => {
      const msg = JSON.parse(data.toString());
      if (msg.type !== 'user_message') return;
      const { nonce } = msg;
      const reply = `You said: ${msg.content}`;
      ws.send(JSON.stringify({ type: 'ack', nonce }));
      ws.send(JSON.stringify({ type: 'agent_started', nonce }));
      ws.send(JSON.stringify({ type: 'agent_delta', nonce, delta: reply }));
      ws.send(JSON.stringify({ type: 'agent_completed', nonce, reply }));
    });
  });
});

server.keepAliveTimeout = 5_000;
server.listen(0, '127.0.0.1', () => {
  const base = `http://127.0.0.1:${server.address().port}`;
  process.stdout.write(`${JSON.stringify({ auth: base, backend: base, web: base })}\n`);
});
const stop = () => {
  for (const c of wss.clients) c.terminate();
  server.close();
  server.closeAllConnections();
  // Nothing here is worth waiting for: the bench awaits this process's exit.
  process.exit(0);
};
process.on('SIGTERM', stop);
process.stdin.on('end', stop);
process.stdin.resume();
