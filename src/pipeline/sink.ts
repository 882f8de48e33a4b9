import type { RunResult } from '../journey/result-schema.js';

/**
 * One outlet of a finished run: a reporter, the store, alerting, metrics, the log. Every sink gets the same
 * (already redacted) result and knows nothing of the others.
 */
export interface Sink {
  /** `console`, `junit`, `store`, `alerting`, … (the `sink` label of `prober_sink_failures_total`). */
  readonly name: string;
  /** Where it writes (a file path, the store's location), named in the failure line. */
  readonly where?: string | undefined;
  write(result: RunResult): Promise<void>;
}

export interface SinkFailure {
  sink: string;
  where?: string | undefined;
  error: string;
}

/**
 * Hands the result to every sink in order. A sink that throws is reported through `onFailure` with its name and
 * where it writes, and the next sink still runs: one unwritable report path must not lose the stored run, the
 * alert or the verdict. Returns the failures, so the caller decides the exit code only after every sink ran.
 */
export async function writeToSinks(
  sinks: readonly Sink[],
  result: RunResult,
  onFailure: (failure: SinkFailure) => void,
): Promise<SinkFailure[]> {
  const failures: SinkFailure[] = [];
  for (const sink of sinks) {
    try {
      await sink.write(result);
    } catch (err) {
      const failure = {
        sink: sink.name,
        ...(sink.where === undefined ? {} : { where: sink.where }),
        error: oneLine(err),
      };
      failures.push(failure);
      try {
        onFailure(failure);
      } catch {
        // Reporting a failure must not become one.
      }
    }
  }
  return failures;
}

/** `prober: html sink failed (/srv/out/report.html): EACCES: permission denied, open '…'` */
export function failureLine(f: SinkFailure): string {
  return `prober: ${f.sink} sink failed${f.where === undefined ? '' : ` (${f.where})`}: ${f.error}`;
}

function oneLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n')[0] ?? text;
}
