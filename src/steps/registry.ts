import type { StepClients, StepKind } from '../journey/step-ports.js';
import { httpKind } from './http.js';
import { sseKind } from './sse.js';
import { wsKind } from './websocket.js';

/**
 * Every API step kind, by the name a probe uses (`ctx.http`). Adding a kind: its file (the adapter, plus its client
 * merged into `StepClients`) and one line here; the type below refuses a kind declared but not registered.
 * Kinds are built in this order for each step, so a kind may use the clients listed above it (SSE reads `http`).
 */
export const STEP_KINDS: { readonly [K in keyof StepClients]: StepKind<K> } = {
  http: httpKind,
  ws: wsKind,
  sse: sseKind,
};

/** The names of the registered step kinds (`ctx.http`, …). */
export type StepKindName = keyof typeof STEP_KINDS;
