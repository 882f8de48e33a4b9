import type { JourneyStatus } from '../journey/result-schema.js';

/** Exit codes (contract): CI and cron wrappers branch on these. */
export const EXIT = {
  /** Every selected journey passed (degraded counts as passed unless --fail-on degraded). */
  pass: 0,
  /** At least one journey failed: users cannot do what the journey does. */
  fail: 1,
  /** The prober could not judge: bad config or input, a bug in a probe, the browser missing. */
  error: 2,
  /** `--expect-version`: a service still did not report the expected version when `--wait-ready` ran out. */
  versionGate: 3,
  /**
   * `--store`: the verdict was given (printed and written by the reporters) but not stored: the store could not be
   * opened (read-only, corrupt, a directory, a newer schema, locked). The line before the verdict names it and why.
   */
  notStored: 4,
} as const;

export function exitCodeFor(status: JourneyStatus, failOnDegraded: boolean, allowFlaky = false): number {
  switch (status) {
    case 'pass':
      return EXIT.pass;
    case 'degraded':
      return failOnDegraded ? EXIT.fail : EXIT.pass;
    case 'flaky':
      // A pass that needed a retry is not a clean pass: CI must opt in to accepting it.
      return allowFlaky ? EXIT.pass : EXIT.fail;
    case 'fail':
      return EXIT.fail;
    case 'error':
      return EXIT.error;
  }
}
