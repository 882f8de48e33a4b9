/**
 * The web UI's two documents. Plain HTML with inline scripts so the browser journey needs no
 * build step, CDN or extra request that could fail for reasons unrelated to the fault under test.
 * Selectors the browser probe relies on: labels "Email", "Password", "Message"; buttons "Log in",
 * "Send", "Log out"; role=alert for errors; role=log "Messages"; assistant messages carry
 * data-role="assistant" and data-nonce.
 */

export interface PageConfig {
  auth: string;
  backend: string;
}

const STYLE = `body{font:16px system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}
label{display:block;margin-top:.75rem}input,textarea{width:100%;padding:.4rem;box-sizing:border-box}
button{margin-top:.75rem;padding:.4rem 1rem}[role=alert]{color:#b00020}
[role=log]{border:1px solid #ccc;min-height:8rem;padding:.5rem;margin:1rem 0}
[data-role=user]{text-align:right}[data-role=assistant]{color:#0b4f8a}`;

function page(title: string, config: PageConfig, body: string, script: string): string {
  // `<` escaped so a URL can never close the script element it is injected into.
  const injected = JSON.stringify(config).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>${STYLE}</style>
<script>window.SANDBOX=${injected}</script></head>
<body>${body}<script>${script}</script></body></html>
`;
}

const LOGIN_BODY = `<h1>Sign in</h1>
<p id="notice" role="status"></p>
<form id="login-form">
<label for="email">Email</label><input id="email" name="email" type="email" autocomplete="username" required>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Log in</button>
</form>
<p id="error" role="alert" hidden></p>`;

const LOGIN_SCRIPT = `
const errorBox = document.getElementById('error');
const fail = (message) => { errorBox.textContent = message; errorBox.hidden = false; };
if (new URLSearchParams(location.search).get('logged_out') === '1') {
  document.getElementById('notice').textContent = 'You have been logged out';
}
async function readJson(res, what) {
  try { return await res.json(); } catch { throw new Error(what + ': invalid response'); }
}
document.getElementById('login-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  errorBox.hidden = true;
  const button = event.submitter; if (button) button.disabled = true;
  try {
    const login = await fetch(SANDBOX.auth + '/auth/login', {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: document.getElementById('email').value, password: document.getElementById('password').value }),
    }).catch(() => { throw new Error('Login failed: network error'); });
    if (!login.ok) throw new Error('Login failed: ' + login.status);
    const tokens = await readJson(login, 'Login failed');
    if (typeof tokens.access_token !== 'string') throw new Error('Login failed: no access token');
    sessionStorage.setItem('sandbox.token', tokens.access_token);
    const created = await fetch(SANDBOX.backend + '/api/sessions', {
      method: 'POST', headers: { authorization: 'Bearer ' + tokens.access_token },
    }).catch(() => { throw new Error('Could not start a chat: network error'); });
    if (!created.ok) throw new Error('Could not start a chat: ' + created.status);
    const session = await readJson(created, 'Could not start a chat');
    if (typeof session.session_id !== 'string') throw new Error('Could not start a chat: no session id');
    location.assign('/chat?session_id=' + encodeURIComponent(session.session_id));
  } catch (err) {
    fail(err instanceof Error ? err.message : 'Login failed');
  } finally {
    if (button) button.disabled = false;
  }
});`;

const CHAT_BODY = `<h1>Chat</h1>
<p id="status" role="status">Connecting…</p>
<div id="log" role="log" aria-label="Messages" aria-live="polite"></div>
<form id="send-form">
<label for="message">Message</label><textarea id="message" name="message" rows="3"></textarea>
<button id="send" type="submit" disabled>Send</button>
</form>
<button id="logout" type="button">Log out</button>
<p id="error" role="alert" hidden></p>`;

const CHAT_SCRIPT = `
const token = sessionStorage.getItem('sandbox.token');
const sessionId = new URLSearchParams(location.search).get('session_id');
if (!token || !sessionId) location.replace('/login');
const log = document.getElementById('log');
const statusLine = document.getElementById('status');
const sendButton = document.getElementById('send');
const errorBox = document.getElementById('error');
const fail = (message) => { errorBox.textContent = message; errorBox.hidden = false; };
const assistant = new Map();
let leaving = false;
function addMessage(role, nonce, text) {
  const el = document.createElement('div');
  el.dataset.role = role; el.dataset.nonce = nonce; el.textContent = text;
  log.appendChild(el);
  return el;
}
function assistantFor(nonce) {
  let el = assistant.get(nonce);
  if (!el) { el = addMessage('assistant', nonce, ''); el.dataset.state = 'streaming'; assistant.set(nonce, el); }
  return el;
}
// Browsers cannot set Authorization on a WebSocket: the token rides as a subprotocol, the server picks chat.v1.
const ws = new WebSocket(SANDBOX.backend.replace(/^http/, 'ws') + '/ws?session_id=' + encodeURIComponent(sessionId),
  ['chat.v1', 'bearer.' + token]);
ws.addEventListener('message', (event) => {
  let msg;
  try { msg = JSON.parse(event.data); } catch { fail('Unexpected message from the server'); return; }
  if (msg.type === 'ready') { statusLine.textContent = 'Connected'; sendButton.disabled = false; }
  else if (msg.type === 'ack') { const el = log.querySelector('[data-role="user"][data-nonce="' + CSS.escape(msg.nonce) + '"]'); if (el) el.dataset.acked = 'true'; }
  else if (msg.type === 'agent_started') assistantFor(msg.nonce);
  else if (msg.type === 'agent_delta') assistantFor(msg.nonce).textContent += msg.delta;
  else if (msg.type === 'agent_completed') { const el = assistantFor(msg.nonce); el.textContent = msg.reply; el.dataset.state = 'complete'; }
  else if (msg.type === 'error') fail('Server error: ' + msg.error);
});
ws.addEventListener('close', (event) => {
  sendButton.disabled = true;
  statusLine.textContent = 'Disconnected';
  if (!leaving) fail('Connection closed: ' + event.code);
});
document.getElementById('send-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const box = document.getElementById('message');
  const content = box.value.trim();
  if (content === '' || ws.readyState !== WebSocket.OPEN) return;
  const nonce = crypto.randomUUID();
  addMessage('user', nonce, content);
  ws.send(JSON.stringify({ type: 'user_message', nonce, content }));
  box.value = '';
});
document.getElementById('logout').addEventListener('click', async () => {
  leaving = true;
  const auth = { authorization: 'Bearer ' + token };
  // The chat session goes first: once auth revokes the token the backend would refuse the DELETE.
  await fetch(SANDBOX.backend + '/api/sessions/' + encodeURIComponent(sessionId), { method: 'DELETE', headers: auth }).catch(() => undefined);
  await fetch(SANDBOX.auth + '/auth/logout', { method: 'POST', headers: auth }).catch(() => undefined);
  sessionStorage.removeItem('sandbox.token');
  ws.close(1000);
  location.assign('/login?logged_out=1');
});`;

export function loginPage(config: PageConfig): string {
  return page('Sign in · Sandbox chat', config, LOGIN_BODY, LOGIN_SCRIPT);
}

export function chatPage(config: PageConfig): string {
  return page('Chat · Sandbox chat', config, CHAT_BODY, CHAT_SCRIPT);
}
