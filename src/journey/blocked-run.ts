import { deriveJourneyOutcome, summarizeRun } from './derive-verdict.js';
import { RUN_SCHEMA, type JourneyResult, type RunResult, type StepResult } from './result-schema.js';
import type { JourneyDefinition } from './define.js';
import type { RunEvent } from './runner.js';

interface InFlight {
  def: JourneyDefinition;
  startedAt: string;
  steps: StepResult[];
  current: { name: string; startedAt: string } | undefined;
}

/**
 * Follows a run through its events so that, if probe code blocks the event loop for good, the run can still be
 * reported from what had happened: finished journeys as they were, the blocking journey as `error`/`prober` at
 * the step it was in, the others as `error`/`aborted` (cut short by the stop, not judged).
 */
export class RunProgress {
  private readonly finished: JourneyResult[] = [];
  private readonly inFlight = new Map<string, InFlight>();

  constructor(private readonly journeys: readonly JourneyDefinition[]) {}

  onEvent(event: RunEvent): void {
    if (event.type === 'journey/start') {
      const def = this.journeys.find((j) => j.name === event.journey);
      if (def !== undefined)
        this.inFlight.set(def.name, { def, startedAt: new Date().toISOString(), steps: [], current: undefined });
    } else if (event.type === 'step/start') {
      const run = this.inFlight.get(event.journey);
      if (run !== undefined) run.current = { name: event.step, startedAt: new Date().toISOString() };
    } else if (event.type === 'step/end') {
      const run = this.inFlight.get(event.journey);
      if (run !== undefined) {
        run.steps.push(event.result);
        run.current = undefined;
      }
    } else {
      // A retried journey starts again; the last attempt's end is the one that counts.
      this.inFlight.delete(event.result.journey);
      const i = this.finished.findIndex((j) => j.journey === event.result.journey);
      if (i >= 0) this.finished.splice(i, 1);
      this.finished.push(event.result);
    }
  }

  /** The run as it stands, with `blocker` (a journey name, if known) blamed for the blocked event loop. */
  blockedResult(
    base: { runId: string; environment: string; proberVersion: string; startedAt: Date },
    blocker: string | undefined,
    stalledMs: number,
    now = new Date(),
  ): RunResult {
    const cut = [...this.inFlight.values()].map((run) =>
      cutShort(run, run.def.name === blocker, stalledMs, blocker, now),
    );
    const journeys = [...this.finished, ...cut];
    const { status, summary } = summarizeRun(journeys);
    return {
      schema: RUN_SCHEMA,
      runId: base.runId,
      environment: base.environment,
      proberVersion: base.proberVersion,
      startedAt: base.startedAt.toISOString(),
      finishedAt: now.toISOString(),
      durationMs: Math.max(0, now.getTime() - base.startedAt.getTime()),
      status,
      summary,
      journeys,
    };
  }
}

function cutShort(
  run: InFlight,
  isBlocker: boolean,
  stalledMs: number,
  blocker: string | undefined,
  now: Date,
): JourneyResult {
  const message = isBlocker
    ? `probe bug in journey ${run.def.name}: its code blocked the event loop for over ${stalledMs} ms (a synchronous loop?); the prober stopped the run`
    : `the prober stopped this run because ${blocker === undefined ? 'probe code' : `journey ${blocker}`} blocked the event loop`;
  const step = run.def.steps.find((s) => s.name === run.current?.name) ?? run.def.steps[run.steps.length];
  const started = run.current?.startedAt ?? now.toISOString();
  const blocked: StepResult = {
    name: step?.name ?? '(start)',
    service: step?.service ?? 'prober',
    status: 'error',
    startedAt: started,
    durationMs: Math.max(0, now.getTime() - Date.parse(started)),
    timeoutMs: Math.max(1, step?.timeoutMs ?? 1),
    error: { category: isBlocker ? 'prober' : 'aborted', message },
  };
  const done = new Set([...run.steps.map((s) => s.name), blocked.name]);
  const skipped: StepResult[] = run.def.steps
    .filter((s) => !done.has(s.name))
    .map((s) => ({
      name: s.name,
      service: s.service,
      status: 'skipped',
      skipReason: `not run: step ${blocked.name} did not finish`,
      startedAt: now.toISOString(),
      durationMs: 0,
      timeoutMs: s.timeoutMs,
    }));
  const steps = [...run.steps, blocked, ...skipped];
  const durationMs = Math.max(0, now.getTime() - Date.parse(run.startedAt));
  const outcome = deriveJourneyOutcome({ capability: run.def.capability, steps, durationMs });
  return {
    journey: run.def.name,
    description: run.def.description,
    status: outcome.status,
    startedAt: run.startedAt,
    durationMs,
    verdict: outcome.verdict,
    ...(outcome.failure === undefined ? {} : { failure: outcome.failure }),
    steps,
  };
}
