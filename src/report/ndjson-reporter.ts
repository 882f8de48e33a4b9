import { mkdirSync, openSync, writeSync, closeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { RunEvent } from '../journey/runner.js';
import type { Reporter } from './reporter.js';

/**
 * One JSON object per line, written as the run happens (as Elastic Synthetics streams its journeys):
 * `journey/start`, `step/start`, `step/end`, `journey/end`, then `run/end` carrying the whole `prober.run/v1` result.
 * Streaming lines carry names, statuses, categories and timings only, no free text: messages and verdicts can hold
 * values that are redacted only in the finished result, which `run/end` carries. Pure for the table test.
 */
export function eventLine(event: RunEvent, at: Date = new Date()): string {
  const time = at.toISOString();
  switch (event.type) {
    case 'journey/start':
      return JSON.stringify({ type: event.type, time, journey: event.journey });
    case 'step/start':
      return JSON.stringify({ type: event.type, time, journey: event.journey, step: event.step });
    case 'step/end': {
      const r = event.result;
      return JSON.stringify({
        type: event.type,
        time,
        journey: event.journey,
        step: r.name,
        service: r.service,
        status: r.status,
        durationMs: r.durationMs,
        ...(r.error === undefined ? {} : { category: r.error.category }),
        ...(r.evidence?.traceId === undefined ? {} : { traceId: r.evidence.traceId }),
      });
    }
    case 'journey/end':
      return JSON.stringify({
        type: event.type,
        time,
        journey: event.result.journey,
        status: event.result.status,
        durationMs: event.result.durationMs,
        ...(event.result.failure === undefined
          ? {}
          : { step: event.result.failure.step, category: event.result.failure.category }),
      });
  }
}

/** `--reporter ndjson` (stdout, which then carries nothing else) or `--reporter ndjson=run.ndjson`. */
export function ndjsonReporter(path: string | undefined): Reporter {
  let fd: number | undefined;
  const write = (line: string) => {
    if (path === undefined || path === '-') {
      process.stdout.write(`${line}\n`);
      return;
    }
    if (fd === undefined) {
      mkdirSync(dirname(path), { recursive: true });
      fd = openSync(path, 'w');
    }
    writeSync(fd, `${line}\n`);
  };
  return {
    name: 'ndjson',
    onEvent: (event) => {
      try {
        write(eventLine(event));
      } catch {
        // An unwritable file surfaces in report(), where the pipeline names the sink; progress must not stop the run.
      }
    },
    async report(result) {
      try {
        write(JSON.stringify({ type: 'run/end', time: result.finishedAt, result }));
      } finally {
        if (fd !== undefined) closeSync(fd);
        fd = undefined;
      }
    },
  };
}
