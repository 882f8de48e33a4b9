import { randomUUID } from 'node:crypto';
import { journey, step, z, type StepContext } from 'golden-path-prober';

const Token = z.object({ access_token: z.string().min(1), refresh_token: z.string().optional() });
/** The seed platform's envelope: `{ type, payload, timestamp }`; events of a reply name the client's message_id. */
const Frame = z.looseObject({
  type: z.string(),
  payload: z.looseObject({ message_id: z.string().optional(), tool_call_id: z.string().optional() }).optional(),
});
type Frame = z.infer<typeof Frame>;

interface AgentSocket {
  send(message: unknown): void;
  waitFor<T>(
    predicate: (message: T, receivedAt: number) => boolean,
    options?: { timeoutMs?: number; describe?: string },
  ): Promise<T>;
}

/** The events of one answer, in order; tool_executing/tool_completed pairs and agent_thinking may repeat. */
export const AGENT_SEQUENCE = [
  'agent_started',
  'agent_thinking',
  'tool_executing',
  'tool_completed',
  'agent_completed',
] as const;
/**
 * How long the agent may go quiet between two events of our answer: at most this, and at most a third of the reply
 * step's time (a config may shorten its deadline), so a stalled sequence is reported by the event that never came
 * rather than as a bare step timeout.
 */
export const STALL_MS = 5_000;

export function stallBoundMs(deadline: number, now: number): number {
  return Math.max(1, Math.min(STALL_MS, Math.floor((deadline - now) / 3)));
}

export interface SeenEvent {
  type: string;
  toolCallId?: string | undefined;
}

export type SequenceCheck =
  | { status: 'incomplete'; next: string }
  | { status: 'complete' }
  | { status: 'broken'; category: 'assertion' | 'contract'; message: string };

/**
 * Judges the events of our message received so far, in arrival order. Pure, so every rule is tested as a table:
 * agent_started first and once; agent_thinking before the first tool; every tool_completed after the tool_executing
 * it completes (by tool_call_id when given); agent_completed last, after all the others and with no tool still running.
 * Event types outside the sequence (progress notes a platform may add) are ignored; an `error` event is a contract break.
 */
export function checkSequence(events: readonly SeenEvent[]): SequenceCheck {
  const seen = new Set<string>();
  const openTools: (string | undefined)[] = [];
  for (const event of events) {
    const { type } = event;
    if (type === 'error')
      return { status: 'broken', category: 'contract', message: 'the agent answered our message with an error event' };
    if (!(AGENT_SEQUENCE as readonly string[]).includes(type)) continue;
    if (type === 'agent_completed') {
      const missing = AGENT_SEQUENCE.filter((t) => t !== type && !seen.has(t));
      if (missing.length > 0) return broken(`agent_completed arrived without ${missing.join(', ')}`, seen);
      if (openTools.length > 0) return broken('agent_completed arrived while a tool_executing had not completed', seen);
      return { status: 'complete' };
    }
    if (type !== 'agent_started' && !seen.has('agent_started'))
      return broken(`${type} arrived before agent_started`, seen);
    if (type === 'agent_started' && seen.has('agent_started')) return broken('agent_started arrived twice', seen);
    if (type === 'tool_executing' && !seen.has('agent_thinking'))
      return broken('tool_executing arrived before agent_thinking', seen);
    if (type === 'tool_executing') openTools.push(event.toolCallId);
    if (type === 'tool_completed') {
      const i = openTools.findIndex(
        (id) => id === event.toolCallId || id === undefined || event.toolCallId === undefined,
      );
      if (i === -1) return broken('tool_completed arrived before its tool_executing', seen);
      openTools.splice(i, 1);
    }
    seen.add(type);
  }
  return { status: 'incomplete', next: nextExpected(seen, openTools.length) };
}

function broken(what: string, seen: Set<string>): SequenceCheck {
  const before = seen.size === 0 ? 'as the first event' : `after ${[...seen].join(', ')}`;
  return { status: 'broken', category: 'assertion', message: `${what} (${before})` };
}

function nextExpected(seen: Set<string>, openTools: number): string {
  if (!seen.has('agent_started')) return 'agent_started';
  if (!seen.has('agent_thinking')) return 'agent_thinking';
  if (openTools > 0) return 'tool_completed';
  if (!seen.has('tool_executing')) return 'tool_executing';
  return 'agent_completed';
}

function agentUrl(backend: string): string {
  return `${backend.replace(/^http/, 'ws')}/agent/ws`;
}

const category = (err: unknown): string | undefined => (err as { category?: unknown }).category as string | undefined;

/**
 * The seed platform's chat dialect: log in through the auth service, open the agent WebSocket with the token as a
 * `jwt.<token>` subprotocol, send one message and check the whole answer to *that* message, event by event.
 */
export default journey({
  name: 'golden-path-agent',
  description:
    'log in, open the agent WebSocket (jwt-auth subprotocol), send a message and check agent_started → … → agent_completed for it',
  capability: 'log in and get an answer from the agent',
  tags: ['api', 'agent', 'golden-path'],
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

    step('agent.connect', { service: 'backend', timeoutMs: 5_000, budgetMs: 2_000 }, async (ctx) => {
      // The token travels as a subprotocol value; it is registered as a secret above and redacted as `jwt.<token>`.
      const socket = await ctx.ws.connect(agentUrl(ctx.target('backend')), {
        protocols: ['jwt-auth', `jwt.${ctx.vars.get('token')}`],
      });
      ctx.vars.set('socket', socket);
      await socket.waitFor<Frame>((m) => Frame.safeParse(m).success && (m as Frame).type === 'connection_established', {
        describe: 'connection_established',
      });
    }),

    step('agent.reply', { service: 'backend', timeoutMs: 15_000, budgetMs: 5_000 }, async (ctx) => {
      const socket = ctx.vars.get<AgentSocket>('socket');
      const messageId = randomUUID();
      const sentAt = performance.now();
      socket.send({
        type: 'user_message',
        payload: { message_id: messageId, content: `golden-path agent probe ${messageId}` },
      });
      await followAnswer(ctx, socket, messageId, sentAt);
    }),

    step('auth.logout', { service: 'auth', timeoutMs: 5_000, always: true }, async (ctx) => {
      if (!ctx.vars.has('token')) ctx.skip('no token was issued');
      // The agent keeps no server-side session of ours; the login's auth session is what we leave behind.
      await ctx.http.post(`${ctx.target('auth')}/auth/logout`, { bearer: ctx.vars.get('token'), expect: [204, 401] });
    }),
  ],
});

/** Reads our answer event by event until it is complete, failing with the event that is missing or out of place. */
async function followAnswer(ctx: StepContext, socket: AgentSocket, messageId: string, sentAt: number): Promise<void> {
  const ours: SeenEvent[] = [];
  const others = new Set<string>();
  const stallMs = stallBoundMs(ctx.deadline, Date.now());
  let done: Frame | undefined;
  for (;;) {
    const check = checkSequence(ours);
    if (check.status === 'broken') ctx.fail(check.category, check.message);
    if (check.status === 'complete') break;
    let receivedAt = 0;
    try {
      done = await socket.waitFor<Frame>(
        (m, at) => {
          const frame = Frame.safeParse(m);
          if (!frame.success) return false;
          const id = frame.data.payload?.message_id;
          if (id !== undefined && id !== messageId) others.add(frame.data.type);
          if (id !== messageId) return false;
          receivedAt = at;
          return true;
        },
        { timeoutMs: stallMs, describe: `${check.next} for our message` },
      );
    } catch (err) {
      throw stalled(ctx, err, { ours, next: check.next, others, stallMs });
    }
    if (ours.length === 0) ctx.record('firstEventMs', receivedAt - sentAt);
    ours.push({ type: done.type, toolCallId: done.payload?.tool_call_id });
    if (done.type === 'agent_completed') ctx.record('completedMs', receivedAt - sentAt);
  }
  const reply = done?.payload?.reply;
  if (typeof reply !== 'string' || reply.trim() === '') ctx.fail('assertion', 'agent_completed carried no reply');
}

/** Turns a wait that ended early into a failure naming the event that never came. */
function stalled(
  ctx: StepContext,
  err: unknown,
  { ours, next, others, stallMs }: { ours: SeenEvent[]; next: string; others: Set<string>; stallMs: number },
): unknown {
  if (ctx.signal.aborted) return err;
  const after = ours.length === 0 ? 'before any event for our message' : `after ${ours.map((e) => e.type).join(', ')}`;
  if (category(err) === 'network')
    ctx.fail('network', `the agent socket closed ${after}, before ${next}: ${(err as Error).message}`);
  if (category(err) !== 'timeout') return err;
  if (ours.length === 0 && others.size > 0) {
    ctx.fail(
      'assertion',
      `no ${next} for our message within ${stallMs} ms; the agent answered another message (${[...others].join(', ')})`,
    );
  }
  // Nothing at all is an agent that did not answer (timeout); a sequence that starts and stops is a broken answer.
  if (ours.length === 0) return err;
  ctx.fail('assertion', `the agent went quiet ${after}: no ${next} within ${stallMs} ms`);
}
