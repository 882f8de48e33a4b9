import type { Category, StepStatus } from './result-schema.js';

/** What deciding whether a browser step simply ran out of the journey's time needs. */
export interface JourneyTimeFacts {
  step: string;
  status: StepStatus;
  category: Category | undefined;
  /** When the step started and when it ended (epoch ms). */
  startedAt: number;
  endedAt: number;
  /** The step's own timeout. */
  timeoutMs: number;
  /** The journey's deadline (epoch ms; infinite for a cleanup step). */
  journeyDeadline: number;
}

/** Playwright's waits end this long before a step's deadline at most (browser-page-watch.ts: min(10 %, 2 s), ≥ 100 ms). */
const MAX_MARGIN_MS = 2_000;
/** Timers and the reporting of Playwright's error come a little after the wait itself. */
const SLACK_MS = 50;

/**
 * A browser step's waits are cut to what is left of its step, and so of its journey: a step that starts with 14 ms of
 * the journey left fails in Playwright's words ("did not appear within 14 ms"), which reads as a broken page. When
 * the journey's deadline, not the step's own timeout, bounded the step and the step failed as `browser` at that
 * deadline, it is a `timeout` naming the step and the time it had; a `browser` failure early in the step (a strict
 * mode violation) stays one. Returns the message, or undefined to keep the verdict. Pure, tested as a table.
 */
export function outOfJourneyTime(f: JourneyTimeFacts): string | undefined {
  if (f.status !== 'fail' || f.category !== 'browser') return undefined;
  const leftMs = f.journeyDeadline - f.startedAt;
  // The journey bounded the step only when it left it clearly less than its own timeout: a journey whose budget
  // equals the step's started a few ms earlier, and its step's Playwright wait is the step's own ("wrong selector").
  const stepMargin = Math.min(MAX_MARGIN_MS, Math.max(100, f.timeoutMs * 0.1));
  if (!Number.isFinite(leftMs) || leftMs >= f.timeoutMs - stepMargin) return undefined;
  const margin = Math.min(MAX_MARGIN_MS, Math.max(100, leftMs * 0.1));
  if (f.endedAt < f.journeyDeadline - margin - SLACK_MS) return undefined;
  const left = Math.max(0, Math.round(leftMs));
  return `step ${f.step} ran out of the journey's time: ${left} ms of the journey were left when it started (its own timeout is ${f.timeoutMs} ms)`;
}
