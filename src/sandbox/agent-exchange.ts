import { randomUUID } from 'node:crypto';
import type { FaultStore } from './fault-controller.js';
import { sleep } from './http-fault.js';

/**
 * The seed platform's agent dialect: every frame is `{ type, payload, timestamp }`, and every event of a reply
 * names the client's `message_id` in its payload, so a client with several messages in flight can tell them apart.
 */
export const AGENT_SEQUENCE = [
  'agent_started',
  'agent_thinking',
  'tool_executing',
  'tool_completed',
  'agent_completed',
] as const;
export type AgentEventType = (typeof AGENT_SEQUENCE)[number];

export interface AgentFrame {
  type: AgentEventType | 'connection_established' | 'error';
  payload: Record<string, unknown>;
  timestamp: string;
}

/** One connection's way of carrying agent frames (the WebSocket today), so the reply and its faults are testable apart. */
export interface AgentSink {
  readonly open: boolean;
  send(frame: AgentFrame): void;
  /** Ends the connection abruptly (WebSocket close 1011). */
  abort(): void;
}

export interface AgentMessage {
  messageId: string;
  content: string;
}

export interface AgentExchangeOptions {
  faults: FaultStore;
  /** Aborted when the sandbox closes. */
  signal: AbortSignal;
}

export const TOOL_NAME = 'sandbox_lookup';
const EVENT_GAP_MS = 10;

export function agentFrame(type: AgentFrame['type'], payload: Record<string, unknown>): AgentFrame {
  return { type, payload, timestamp: new Date().toISOString() };
}

/** The payload of each event of a healthy reply, in order. */
export function replyEvents(
  message: AgentMessage,
  runId: string,
): { type: AgentEventType; payload: Record<string, unknown> }[] {
  const base = { message_id: message.messageId, run_id: runId };
  const tool = { ...base, tool_name: TOOL_NAME, tool_call_id: `call-${runId.slice(0, 8)}` };
  return [
    { type: 'agent_started', payload: { ...base, agent_name: 'sandbox-agent' } },
    { type: 'agent_thinking', payload: { ...base, thought: 'Looking up what the user asked for' } },
    { type: 'tool_executing', payload: { ...tool, arguments: { query: message.content.slice(0, 100) } } },
    { type: 'tool_completed', payload: { ...tool, result: { found: true } } },
    { type: 'agent_completed', payload: { ...base, reply: agentReply(message) } },
  ];
}

export function agentReply(message: AgentMessage): string {
  const quoted = message.content.length > 200 ? `${message.content.slice(0, 200)}…` : message.content;
  return `You asked: "${quoted}". The sandbox agent looked it up (re: ${message.messageId})`;
}

/**
 * Which of the healthy events an `agent.reply` fault sends, in which order, and what happens after the last one
 * ("hold" keeps the socket open and says nothing more; "close" closes it with 1011).
 */
export function faultedSequence(effect: string | undefined): { order: number[]; end: 'hold' | 'close' } {
  switch (effect) {
    case 'toolstuck':
      return { order: [0, 1, 2], end: 'hold' };
    case 'outoforder':
      // tool_completed before the tool_executing it completes.
      return { order: [0, 1, 3, 2, 4], end: 'hold' };
    case 'completedonly':
      return { order: [4], end: 'hold' };
    case 'silent':
      return { order: [0], end: 'hold' };
    case 'close':
      return { order: [0, 1], end: 'close' };
    default:
      return { order: [0, 1, 2, 3, 4], end: 'hold' };
  }
}

export async function runAgentExchange(
  sink: AgentSink,
  message: AgentMessage,
  opts: AgentExchangeOptions,
): Promise<void> {
  const fault = opts.faults.get('agent.reply');
  if (fault?.effect === 'slow' && !(await sleep(fault.arg ?? 0, opts.signal))) return;
  // wrongmessage: a complete, well-formed reply to a message the client never sent.
  const answered = fault?.effect === 'wrongmessage' ? { ...message, messageId: randomUUID() } : message;
  const events = replyEvents(answered, randomUUID());
  const { order, end } = faultedSequence(fault?.effect);
  for (const [i, index] of order.entries()) {
    if (i > 0 && !(await sleep(EVENT_GAP_MS, opts.signal))) return;
    const event = events[index];
    if (!sink.open || event === undefined) return;
    sink.send(agentFrame(event.type, event.payload));
  }
  if (end === 'close') sink.abort();
}
