import { randomUUID } from 'node:crypto';
import { janitor, journey, step, z, type StepContext } from 'golden-path-prober';

const Token = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().optional(),
  token_type: z.string(),
  expires_in: z.number(),
});
const ChatSession = z.object({ session_id: z.string().min(1) });
const SessionList = z.object({
  sessions: z.array(z.object({ session_id: z.string(), created_at: z.string(), synthetic: z.string().nullable() })),
});
const ChatEvent = z.looseObject({ type: z.string(), nonce: z.string().optional() });
type ChatEvent = z.infer<typeof ChatEvent>;
type Completed = ChatEvent & { reply?: unknown };

interface ChatSocket {
  send(message: unknown): void;
  waitFor<T>(predicate: (message: T, receivedAt: number) => boolean): Promise<T>;
}

function wsUrl(httpBase: string, path: string): string {
  return httpBase.replace(/^http/, 'ws') + path;
}

// A plain check, as a hand-written client would make, rather than ChatEvent.safeParse: it runs on every frame of
// every run, and zod's parse costs more than the rest of the frame's handling.
const isEvent = (m: unknown): m is ChatEvent => {
  if (typeof m !== 'object' || m === null) return false;
  const { type, nonce } = m as { type?: unknown; nonce?: unknown };
  return typeof type === 'string' && (nonce === undefined || typeof nonce === 'string');
};

/**
 * The golden path over the API: the auth service issues a token, the backend opens a chat session,
 * a message goes out over the WebSocket and the assistant's reply to *that* message comes back.
 */
export default journey({
  name: 'golden-path-api',
  description:
    'log in through the auth service, open a chat session, send a message and receive the reply over the WebSocket',
  capability: 'log in and chat',
  tags: ['api', 'golden-path'],
  needs: { secrets: ['password'], variables: ['email'] },
  steps: [
    step('auth.token', { service: 'auth', timeoutMs: 5_000, budgetMs: 2_000 }, async (ctx) => {
      const res = await ctx.http.post(`${ctx.target('auth')}/auth/login`, {
        json: { email: ctx.variable('email'), password: ctx.secret('password') },
      });
      const token = await res.json(Token);
      ctx.markSecret(token.access_token);
      if (token.refresh_token !== undefined) ctx.markSecret(token.refresh_token);
      ctx.vars.set('token', token.access_token);
    }),

    step('session.create', { service: 'backend', timeoutMs: 5_000, budgetMs: 2_000 }, async (ctx) => {
      const res = await ctx.http.post(`${ctx.target('backend')}/api/sessions`, {
        bearer: ctx.vars.get('token'),
        json: {},
      });
      const session = await res.json(ChatSession);
      ctx.vars.set('sessionId', session.session_id);
    }),

    step('chat.connect', { service: 'backend', timeoutMs: 5_000, budgetMs: 2_000 }, async (ctx) => {
      const sessionId = ctx.vars.get('sessionId');
      const socket = await ctx.ws.connect(
        wsUrl(ctx.target('backend'), `/ws?session_id=${encodeURIComponent(sessionId)}`),
        {
          bearer: ctx.vars.get('token'),
        },
      );
      ctx.vars.set('socket', socket);
      await socket.waitFor((m) => isEvent(m) && m.type === 'ready', { describe: 'ready event' });
    }),

    step('chat.send', { service: 'backend', timeoutMs: 5_000, budgetMs: 2_000 }, async (ctx) => {
      const socket = ctx.vars.get<ChatSocket>('socket');
      const nonce = randomUUID();
      ctx.vars.set('nonce', nonce);
      ctx.vars.set('sentAt', performance.now());
      socket.send({ type: 'user_message', nonce, content: `golden-path probe ${nonce}` });
      await socket.waitFor<ChatEvent>((m) => isEvent(m) && m.type === 'ack' && m.nonce === nonce);
    }),

    step('chat.reply', { service: 'backend', timeoutMs: 20_000, budgetMs: 5_000 }, async (ctx) => {
      const socket = ctx.vars.get<ChatSocket>('socket');
      const nonce = ctx.vars.get('nonce');
      const sentAt = ctx.vars.get<number>('sentAt');
      let firstDeltaAt: number | undefined;
      const done = await socket.waitFor<Completed>((m, receivedAt) => {
        if (!isEvent(m)) return false;
        if (m.type === 'agent_delta' && m.nonce === nonce) firstDeltaAt ??= receivedAt;
        return m.type === 'agent_completed' || m.type === 'error';
      });
      recordLatency(ctx, sentAt, firstDeltaAt, performance.now());
      if (done.type === 'error') ctx.fail('contract', 'the backend answered with an error event instead of a reply');
      if (done.nonce !== nonce) ctx.fail('assertion', 'the reply answered a different message (nonce mismatch)');
      const reply = typeof done.reply === 'string' ? done.reply.trim() : '';
      if (reply === '') ctx.fail('assertion', 'the assistant sent an empty reply');
      if (!reply.includes(nonce)) ctx.fail('assertion', 'the reply does not reference the message we sent');
    }),

    step('session.close', { service: 'backend', timeoutMs: 5_000, always: true }, async (ctx) => {
      if (!ctx.vars.has('sessionId')) ctx.skip('no chat session was created');
      const sessionId = ctx.vars.get('sessionId');
      await ctx.http.delete(`${ctx.target('backend')}/api/sessions/${encodeURIComponent(sessionId)}`, {
        bearer: ctx.vars.get('token'),
        expect: [204, 404],
      });
    }),
  ],

  // A run killed mid-journey (SIGKILL, OOM) cannot close its session; the next run or `prober janitor` does.
  janitor: janitor({ service: 'backend', timeoutMs: 10_000 }, async (ctx, olderThanMs) => {
    const login = await ctx.http.post(`${ctx.target('auth')}/auth/login`, {
      json: { email: ctx.variable('email'), password: ctx.secret('password') },
    });
    const { access_token: token } = await login.json(Token);
    const { sessions } = await (await ctx.http.get(`${ctx.target('backend')}/api/sessions`, { bearer: token })).json(
      SessionList,
    );
    const stale = sessions.filter((s) => s.synthetic !== null && Date.now() - Date.parse(s.created_at) >= olderThanMs);
    for (const s of stale) {
      await ctx.http.delete(`${ctx.target('backend')}/api/sessions/${encodeURIComponent(s.session_id)}`, {
        bearer: token,
        expect: [204, 404],
      });
    }
    return stale.length;
  }),
});

function recordLatency(ctx: StepContext, sentAt: number, firstDeltaAt: number | undefined, completedAt: number): void {
  if (firstDeltaAt !== undefined) ctx.record('firstDeltaMs', firstDeltaAt - sentAt);
  ctx.record('completedMs', completedAt - sentAt);
}
