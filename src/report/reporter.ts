import type { RunResult } from '../journey/result-schema.js';
import type { RunEvent } from '../journey/runner.js';

/** A reporter receives progress events while journeys run and the finished, already-redacted result. */
export interface Reporter {
  readonly name: string;
  onEvent?(event: RunEvent): void;
  report(result: RunResult): Promise<void>;
}
