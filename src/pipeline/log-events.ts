import type { RunEvent } from '../journey/runner.js';
import type { Logger } from '../log.js';

/**
 * One structured log line per step and per journey, with the stable `step/end` / `journey/end` vocabulary. A failed
 * step is a warning unless a console reporter already shows it (`prober run`'s default): then it is `info`, so the
 * failure prints once, and `--log-level info` still logs it.
 */
export function logRunEvent(log: Logger, event: RunEvent, failuresShown = false): void {
  if (event.type === 'step/end') {
    const r = event.result;
    const failed = r.status === 'fail' || r.status === 'error';
    log[failed ? (failuresShown ? 'info' : 'warn') : 'debug'](
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
