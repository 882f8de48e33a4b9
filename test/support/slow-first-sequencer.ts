import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The files that take longest, slowest first (seconds of the last idle CI run, after test/ speed-ups): a clean clone
 * has no vitest results cache, so vitest would order files by size, and a small slow file (a 50 s SIGTERM scan is 38
 * lines) then starts last and alone, the other worker idle. A name missing here or no longer in the tree only loses
 * its place; with a results cache (local runs) vitest's own order, by measured duration, is used instead.
 */
export const SLOWEST_FIRST = [
  'test/fleet/fleet-kills.test.ts', // 80 at load 10 (both scenarios, the Alertmanager pair)
  'test/packed/plain-page-journey.test.ts', // 56
  'test/suites/suite-schedule.test.ts', // 53
  'test/faults/sigterm-scan-schedule.test.ts', // 49
  'test/store/replica-kill.test.ts', // 43
  'test/alert/alertmanager-cluster.test.ts', // 40 (20 s group_interval since the documented settings)
  'test/browser/browser-lifecycle.test.ts', // 43
  'test/e2e/golden-path-api.test.ts', // 42
  'test/suites/suite-faults.test.ts', // 39
  'test/browser/playwright-errors.test.ts', // 35
  'test/faults/store-locked.test.ts', // 34
  'test/alert/alertmanager-keepalive.test.ts', // 33
  'test/store/delivery-takeover.test.ts', // 33
  'test/schedule/daemon.test.ts', // 30
  'test/faults/sigterm-scan-run.test.ts', // 27
  'test/store/location-quorum.test.ts', // 25
  'test/e2e/golden-path-agent.test.ts', // 23
  'test/faults/store-open.test.ts', // 22
  'test/suites/suite-run.test.ts', // 21
  'test/packed/probe-faults.test.ts', // 19
  'test/faults/store-full-disk.test.ts', // 19
  'test/wire/schedule-always-ends.test.ts', // 18
  'test/packed/top-level-loop.test.ts', // 17
  'test/packed/busy-loop-schedule.test.ts', // 14
  'test/browser/golden-path-browser-cli.test.ts', // 14
  'test/faults/store-deleted.test.ts', // 14
  'test/alert/alert-state-lifecycle.test.ts', // 13
  'test/wire/run-always-ends.test.ts', // 12
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
