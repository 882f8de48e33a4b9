import { performance } from 'node:perf_hooks';
import type { StepDefinition } from './define.js';
import type { StepResult } from './result-schema.js';
import { runStep, type StepRun } from './run-step.js';
import { stallReading } from './stall-clock.js';
import { outOfJourneyTime } from './stall-out-of-time.js';
import { judgeStall } from './stall-policy.js';
import { round } from './step-result.js';

/**
 * One journey run's view of the prober's own stalls: every step is timed against the stall clock, its stalled
 * time goes into its evidence (`stallMs`, only when there was any), and a step whose deadline passed while the
 * prober was the one stalled is retried or turned into a prober error (stall-policy.ts) instead of a service
 * failure. A browser step cut short by the journey's deadline is a `timeout` (stall-out-of-time.ts).
 */
export class JourneyStalls {
  private readonly stall0 = stallReading();
  private readonly t0 = performance.now();

  async runStep(s: StepDefinition, run: StepRun): Promise<StepResult> {
    let stalledBefore = 0;
    let note: string | undefined;
    for (let attempt = 1; ; attempt++) {
      const before = stallReading();
      const result = await runStep(s, run);
      const now = stallReading();
      const stallMs = Math.min(now - before, result.durationMs);
      const decision = judgeStall({
        status: result.status,
        category: result.error?.category,
        stallMs,
        stepMs: result.durationMs,
        journeyTimedOut: run.deadline.journeyTimeout?.aborted === true,
        journeyStallMs: now - this.stall0,
        journeyMs: performance.now() - this.t0,
        remainingMs: run.deadline.parentDeadline - Date.now(),
        timeoutMs: run.deadline.timeoutMs,
        attempt,
        cleanup: s.always === true,
      });
      if (decision.action === 'retry') {
        stalledBefore += stallMs;
        note = decision.note;
        continue;
      }
      if (decision.action === 'prober') result.status = 'error';
      if (decision.action === 'prober') result.error = { category: 'prober', message: decision.message };
      const outOfTime = outOfJourneyTime({
        step: s.name,
        status: result.status,
        category: result.error?.category,
        startedAt: Date.parse(result.startedAt),
        endedAt: Date.parse(result.startedAt) + result.durationMs,
        timeoutMs: run.deadline.timeoutMs,
        journeyDeadline: run.deadline.parentDeadline,
      });
      if (outOfTime !== undefined) result.error = { category: 'timeout', message: outOfTime };
      const total = round(stalledBefore + stallMs);
      if (result.evidence !== undefined) {
        if (total >= 1) result.evidence.stallMs = total;
        if (note !== undefined) result.evidence.notes = [note, ...(result.evidence.notes ?? [])];
      }
      return result;
    }
  }
}
