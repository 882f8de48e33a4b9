// The golden path written by hand with undici + ws and nothing else: the baseline the prober is measured against.
// Usage as a script: node bench/bare-journey.mjs AUTH_URL BACKEND_URL EMAIL   (password from SANDBOX_PASSWORD)
import { randomUUID } from 'node:crypto';
import { request } from 'undici';
import WebSocket from 'ws';

export async function bareJourney(auth, backend, email, password, dispatcher) {
  const login = await request(`${auth}/auth/login`, {
    dispatcher,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  const { access_token: token } = await login.body.json();
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const created = await request(`${backend}/api/sessions`, { method: 'POST', headers, body: '{}', dispatcher });
  const { session_id: sessionId } = await created.body.json();
  const ws = new WebSocket(`${backend.replace(/^http/, 'ws')}/ws?session_id=${sessionId}`, { headers });
  const nonce = randomUUID();
  await new Promise((resolve, reject) => {
    ws.on('error', reject);
    ws.on('message', (data) => {
      const m = JSON.parse(data.toString());
      if (m.type === 'ready') ws.send(JSON.stringify({ type: 'user_message', nonce, content: `bare ${nonce}` }));
      if (m.type === 'agent_completed' && m.nonce === nonce && m.reply.includes(nonce)) resolve();
    });
  });
  ws.close();
  const closed = await request(`${backend}/api/sessions/${sessionId}`, { method: 'DELETE', headers, dispatcher });
  await closed.body.dump();
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) {
  const [auth, backend, email] = process.argv.slice(2);
  await bareJourney(auth, backend, email, process.env.SANDBOX_PASSWORD);
}
