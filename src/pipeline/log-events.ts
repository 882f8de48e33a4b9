import type { RunEvent } from '../journey/runner.js';
import type { Logger } from '../log.js';

/** One structured log line per step and per journey, with the stable `step/end` / `journey/end` vocabulary. */
export function logRunEvent(log: Logger, event: RunEvent): void {
  if (event.type === 'step/end') {
    const r = event.result;
    const failed = r.status === 'fail' || r.status === 'error';
    log[failed ? 'warn' : 'debug'](
      {
        journey: event.journey,
        step: r.name,
        service: r.service,
        status: r.status,
        durationMs: r.durationMs,
        ...(r.error === undefined ? {} : { category: r.error.category, error: r.error.message }),
        traceId: r.evidence?.traceId,
      },
      'step/end',
    );
  } else if (event.type === 'journey/end') {
    const r = event.result;
    log.info({ journey: r.journey, status: r.status, durationMs: r.durationMs, verdict: r.verdict }, 'journey/end');
  }
}
