import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The files that take longest, slowest first (seconds: the 03:21 clean-clone CI run of 2026-12-08, or measured alone
 * after that day's speed-ups): a clean clone has no vitest results cache, so vitest would order files by size, and a
 * small slow file (a 50 s SIGTERM scan is 38 lines) then starts last and alone, the other worker idle. A name missing
 * here or no longer in the tree only loses its place; with a results cache (local runs) vitest's own order, by
 * measured duration, is used instead.
 */
export const SLOWEST_FIRST = [
  'test/fleet/fleet-kills.test.ts', // 51 (both scenarios at once, the Alertmanager pair)
  'test/store/replica-kill.test.ts', // 43 (40 s of kills by design)
  'test/suites/suite-schedule.test.ts', // 43 (two ticks 30 s apart)
  'test/packed/plain-page-journey.test.ts', // 38
  'test/browser/playwright-errors.test.ts', // 37
  'test/faults/store-locked.test.ts', // 34 (a 20 s lock)
  'test/e2e/golden-path-api.test.ts', // 33
  'test/store/delivery-takeover.test.ts', // 32
  'test/alert/alertmanager-keepalive.test.ts', // 32
  'test/browser/browser-lifecycle.test.ts', // 29
  'test/alert/alertmanager-cluster.test.ts', // 29
  'test/faults/sigterm-scan-schedule.test.ts', // 28
  'test/faults/store-open.test.ts', // 25
  'test/suites/suite-faults.test.ts', // 23
  'test/packed/probe-faults.test.ts', // 22
  'test/store/location-quorum.test.ts', // 19
  'test/wire/schedule-always-ends.test.ts', // 19
  'test/faults/store-full-disk.test.ts', // 18
  'test/suites/suite-run.test.ts', // 18
  'test/packed/top-level-loop.test.ts', // 16
  'test/faults/sigterm-scan-run.test.ts', // 16
  'test/browser/golden-path-browser-cli.test.ts', // 16
  'test/faults/store-deleted.test.ts', // 13
  'test/store/alert-keys-under-load.test.ts', // 13
  'test/packed/busy-loop-schedule.test.ts', // 12
  'test/wire/run-always-ends.test.ts', // 12
  'test/faults/kill-between-run-and-alert.test.ts', // 11
  'test/alert/alert-state-lifecycle.test.ts', // 11
  'test/schedule/daemon.test.ts', // 10 (its four cases at once)
  'test/e2e/golden-path-agent.test.ts', // 10 (its rows three at a time)
  'test/e2e/post-deploy.test.ts', // 9
  'test/schedule/stall-journey.test.ts', // 8
  'test/unit/runner.test.ts', // 8
];

export default class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const root = this.ctx.config.root;
    const key = (f: TestSpecification) => relative(root, f.moduleId);
    if (sorted.some((f) => this.ctx.cache.getFileTestResults(`${f.project.name}:${key(f)}`) !== undefined))
      return sorted;
    const rank = (f: TestSpecification) => {
      const i = SLOWEST_FIRST.indexOf(key(f));
      return i === -1 ? SLOWEST_FIRST.length : i;
    };
    // Array.prototype.sort is stable: the unlisted files keep vitest's order after the listed ones.
    return [...sorted].sort((a, b) => rank(a) - rank(b));
  }
}
