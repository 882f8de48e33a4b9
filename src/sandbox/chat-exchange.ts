import { randomUUID } from 'node:crypto';
import type { FaultStore } from './fault-controller.js';
import { sleep } from './http-fault.js';

export type ChatEvent =
  | { type: 'ack'; nonce: string }
  | { type: 'agent_started'; nonce: string }
  | { type: 'agent_delta'; nonce: string; delta: string }
  | { type: 'agent_completed'; nonce: string; reply: string };

/** One transport's way of carrying chat events, so WebSocket and SSE share the same reply (and faults). */
export interface ChatSink {
  readonly open: boolean;
  send(event: ChatEvent): void;
  sendRaw(text: string): void;
  /** Ends the conversation abruptly, mid-stream (WebSocket 1011, SSE socket destroyed). */
  abort(): void;
  /** The reply is over (SSE ends its response; a WebSocket stays open for the next message). */
  finish(): void;
}

export interface ChatExchangeOptions {
  faults: FaultStore;
  replyDeltas: number;
  /** Aborted when the sandbox closes. */
  signal: AbortSignal;
}

const DELTA_GAP_MS = 10;

export async function runChatExchange(
  sink: ChatSink,
  message: { nonce: string; content: string },
  opts: ChatExchangeOptions,
): Promise<void> {
  const { nonce } = message;
  const sendFault = opts.faults.get('chat.send')?.effect;
  if (sendFault === 'silent') return;
  if (sendFault === 'close') return sink.abort();
  if (sendFault === 'malformed') return sink.sendRaw(`ack ${nonce} {`);
  sink.send({ type: 'ack', nonce });

  const replyFault = opts.faults.get('chat.reply');
  switch (replyFault?.effect) {
    case 'silent':
      // Acknowledged and then nothing: the socket stays open (and keeps answering pings).
      return;
    case 'malformed':
      return sink.sendRaw(`<agent_started nonce=${nonce}`);
    case 'empty':
      sink.send({ type: 'agent_started', nonce });
      sink.send({ type: 'agent_completed', nonce, reply: '' });
      return sink.finish();
    case 'close': {
      const [first = ''] = splitReply(replyText(message), opts.replyDeltas);
      sink.send({ type: 'agent_started', nonce });
      sink.send({ type: 'agent_delta', nonce, delta: first });
      return sink.abort();
    }
    case 'wrongnonce':
      // A complete, well-formed reply — to a message the client never sent.
      return streamReply(sink, { nonce: randomUUID(), content: message.content }, opts);
    case 'slow':
      if (!(await sleep(replyFault.arg ?? 0, opts.signal))) return;
      return streamReply(sink, message, opts);
    default:
      return streamReply(sink, message, opts);
  }
}

async function streamReply(
  sink: ChatSink,
  message: { nonce: string; content: string },
  opts: ChatExchangeOptions,
): Promise<void> {
  const { nonce } = message;
  const reply = replyText(message);
  sink.send({ type: 'agent_started', nonce });
  for (const delta of splitReply(reply, opts.replyDeltas)) {
    if (!(await sleep(DELTA_GAP_MS, opts.signal)) || !sink.open) return;
    sink.send({ type: 'agent_delta', nonce, delta });
  }
  if (!sink.open) return;
  sink.send({ type: 'agent_completed', nonce, reply });
  sink.finish();
}

function replyText(message: { nonce: string; content: string }): string {
  const quoted = message.content.length > 200 ? `${message.content.slice(0, 200)}…` : message.content;
  return `You said: "${quoted}". This is the sandbox assistant (re: ${message.nonce})`;
}

/** Splits into exactly `parts` non-empty pieces (fewer only if the reply is shorter) whose concatenation is the reply. */
export function splitReply(reply: string, parts: number): string[] {
  const count = Math.min(Math.max(0, Math.floor(parts)), reply.length);
  const pieces: string[] = [];
  let start = 0;
  for (let i = 0; i < count; i += 1) {
    const end = Math.round(((i + 1) * reply.length) / count);
    pieces.push(reply.slice(start, end));
    start = end;
  }
  return pieces;
}
