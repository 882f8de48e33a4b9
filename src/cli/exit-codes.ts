import type { JourneyStatus } from '../journey/result-schema.js';

/** Exit codes (contract): CI and cron wrappers branch on these. */
export const EXIT = {
  /** Every selected journey passed (degraded counts as passed unless --fail-on degraded). */
  pass: 0,
  /** At least one journey failed: users cannot do what the journey does. */
  fail: 1,
  /** The prober could not judge: bad config or input, a bug in a probe, the browser missing. */
  error: 2,
} as const;

export function exitCodeFor(status: JourneyStatus, failOnDegraded: boolean): number {
  switch (status) {
    case 'pass':
      return EXIT.pass;
    case 'degraded':
      return failOnDegraded ? EXIT.fail : EXIT.pass;
    case 'fail':
      return EXIT.fail;
    case 'error':
      return EXIT.error;
  }
}
