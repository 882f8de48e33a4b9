import { describe, expect, it } from 'vitest';
import type { JourneyResult } from '../../src/journey/result-schema.js';
import { failedRunIndexes, stepSeries } from '../../src/report/status-page/page-model.js';
import { latencyChart, runStrip } from '../../src/report/status-page/svg-charts.js';

const run = (status: 'pass' | 'fail' | 'error', ms: number, i: number): JourneyResult => ({
  journey: 'j',
  description: 'd',
  status,
  startedAt: new Date(1e12 + i * 60_000).toISOString(),
  durationMs: ms,
  verdict: 'v',
  steps: [
    { name: 'auth.token', service: 'auth', status: status === 'pass' ? 'pass' : 'fail', durationMs: ms } as never,
  ],
});

describe('the status page does not read an outage as latency improving', () => {
  // 894 ms when healthy, then refused at once (27 ms) while failing: the case from issue 28.
  const results = [run('pass', 894, 0), run('fail', 27, 1), run('error', 5, 2), run('pass', 880, 3)];

  it('failed and unjudged runs are left out of the series and marked', () => {
    expect(stepSeries(results)[0]?.points).toEqual([894, null, null, 880]);
    expect(stepSeries(results)[0]?.p50).toBe(880);
    expect(failedRunIndexes(results)).toEqual([1, 2]);
  });

  it('the chart marks each failed run and has a legend entry for it and for the dashed p95 lines', () => {
    const svg = String(
      latencyChart(
        stepSeries(results),
        'c',
        results.map((r) => r.startedAt),
        [1, 2],
      ),
    );
    expect(svg.match(/class="failed-run"/g)).toHaveLength(2);
    expect(svg).toContain('failed run (timings not plotted)');
    expect(svg).toContain("dashed: each step's p95");
  });

  it('the run strip spreads the runs shown over its width', () => {
    const strip = String(
      runStrip(
        results.map((r) => ({ runId: 'r', status: r.status, startedAt: r.startedAt, durationMs: 1 })),
        90,
      ),
    );
    expect(strip).toContain('viewBox="0 0 36 28"');
    expect(strip).toMatch(/<rect class="run pass"[^>]* x="0"/);
  });
});
