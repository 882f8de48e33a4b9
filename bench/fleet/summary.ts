/** What one cell measured (see fleet-bench.ts for how). */
export interface CellRow {
  journeys: number;
  locations: number;
  steps: number;
  runs: number;
  runsPerSecond: number;
  statementsPerRun: number;
  roundTripsPerRun: number;
  /** Round trips per run by what they were for (claims of both replicas, the run's own, deliveries, liveness). */
  roundTripsPerRunBy: Record<string, number>;
  walBytesPerRun: number;
  claimP99Ms: number;
  sameJourneyLockWaitPct: number;
  sameJourneyWaitersMax: number;
  crossJourneyLockWaitPct: number;
  deferred: number;
  notificationsPerRun: number;
  bytesPerRun: number;
  bytesPerClaim: number;
  statuses: Record<string, number>;
  duplicateRuns: number;
  sinkFailures: number;
}

/**
 * The cost per run as the fleet grows, 1,000 journeys against 10 (one-step cells, averaged over the location
 * counts), and the Postgres size for 100 locations × 1,000 journeys a minute from the bytes measured at 1,000 × 50.
 */
export function fleetSummary(rows: readonly CellRow[]): Record<string, unknown> {
  const oneStep = rows.filter((r) => r.steps === 1);
  const mean = (journeys: number, pick: (r: CellRow) => number) => {
    const of = oneStep.filter((r) => r.journeys === journeys);
    return of.reduce((n, r) => n + pick(r), 0) / of.length;
  };
  const ratio = (pick: (r: CellRow) => number) => Number((mean(1_000, pick) / mean(10, pick)).toFixed(3));
  const big = oneStep.find((r) => r.journeys === 1_000 && r.locations === 50);
  const runsPerMinute = 100 * 1_000;
  const gb = (bytes: number) => Number((bytes / 1e9).toFixed(2));
  return {
    costPerRunRatio1000vs10: {
      roundTrips: ratio((r) => r.roundTripsPerRun),
      statements: ratio((r) => r.statementsPerRun),
      walBytes: ratio((r) => r.walBytesPerRun),
    },
    ...(big === undefined
      ? {}
      : {
          fleet100x1000PerMinute: {
            runsPerMinute,
            gbStoredPerMinute: gb(runsPerMinute * big.bytesPerRun),
            gbOfWalPerMinute: gb(runsPerMinute * big.walBytesPerRun),
            gbKeptAtMaxRunsPerJourney1440: gb(runsPerMinute * 1_440 * big.bytesPerRun),
            claimRowsAt3hHorizon: runsPerMinute * 180,
            gbOfClaimsAt3hHorizon: gb(runsPerMinute * 180 * big.bytesPerClaim),
          },
        }),
  };
}
