import type { StepClients, StepKind } from '../journey/step-ports.js';
import { httpKind } from './http.js';
import { sseKind } from './sse.js';
import { tcpKind } from './tcp.js';
import { wsKind } from './websocket.js';

/**
 * Every API step kind, by the name a probe uses (`ctx.http`). Adding a kind: its file (the adapter, plus its client
 * merged into `StepClients`) and its lines here; the type below refuses a kind declared but not registered.
 * Kinds are built in this order for each step, so a kind may use the clients listed above it (SSE reads `http`).
 */
export const STEP_KINDS: { readonly [K in keyof StepClients]: StepKind<K> } = {
  http: httpKind,
  ws: wsKind,
  sse: sseKind,
  tcp: tcpKind,
};

/** The names of the registered step kinds (`ctx.http`, …). */
export type StepKindName = keyof typeof STEP_KINDS;

// Value imports are dropped from the emitted .d.ts; these re-exports stay, so a kind's `declare module` merge into
// StepClients reaches a user's type check through index.ts (http, ws and sse declare theirs in journey/step-clients).
export type * from './tcp.js';
