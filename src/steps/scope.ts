import type { HttpEvidence } from '../journey/result-schema.js';

/** What a step helper needs from the running step: its deadline, tagging headers and an evidence sink. */
export interface StepScope {
  /** Aborts at the step deadline or when the journey is cancelled. */
  readonly signal: AbortSignal;
  /** Absolute deadline (epoch ms); every timeout a helper sets is derived from it, never a library default. */
  readonly deadline: number;
  readonly maxBodyBytes: number;
  /** User-Agent, x-synthetic-probe and a fresh traceparent span for each call. */
  tagHeaders(): Record<string, string>;
  recordHttp(evidence: HttpEvidence): void;
  /** Registers a value minted during the run (a token) so it is redacted everywhere. */
  markSecret(value: string): void;
}

/** Connections that outlive the step that opened them (a chat WebSocket) and are closed when the journey ends. */
export interface JourneyResources {
  onClose(close: () => Promise<void> | void): void;
  /** The scope of the step running now, so a wait on an older connection obeys the current step's deadline. */
  current(): StepScope;
}

export function remainingMs(scope: Pick<StepScope, 'deadline'>): number {
  return Math.max(1, scope.deadline - Date.now());
}

/** Origin and path only: query strings may carry tokens. */
export function safeUrl(url: string | URL): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return '(invalid url)';
  }
}
