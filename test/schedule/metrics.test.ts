import { describe, expect, it } from 'vitest';
import { ProberMetrics } from '../../src/report/metrics.js';
import { sampleRun } from '../store/sample-run.js';
import { metricProblems, parseMetrics } from './prom-text.js';

describe('ProberMetrics', () => {
  it('exposes the issue-4 metrics with their labels, plus default process metrics, in parseable text format', async () => {
    const metrics = new ProberMetrics({ environment: 'test', location: 'eu-west' });
    const started = new Date(Date.now() - 60_000);
    metrics.observeRun(sampleRun({ status: 'pass', startedAt: started }));
    metrics.observeRun(sampleRun({ status: 'fail', category: 'timeout' }));
    metrics.observeRun(sampleRun({ status: 'error', category: 'aborted' }));
    metrics.tickSkipped('overlap');
    const m = parseMetrics(await metrics.render());
    expect(metricProblems(m)).toEqual([]);
    expect(m.family('process_cpu_user_seconds_total').type).toBe('COUNTER');
    expect(m.family('nodejs_eventloop_lag_seconds').type).toBe('GAUGE');

    const runs = m.samples('prober_runs_total').map((s) => [s.labels.status, s.value]);
    expect(runs).toEqual(
      expect.arrayContaining([
        ['pass', 1],
        ['fail', 1],
        ['error', 1],
      ]),
    );
    // The aborted (error) run came last but could not judge: up still reflects the failed run.
    expect(m.samples('prober_journey_up')).toEqual([
      { labels: { journey: 'golden-path-api', environment: 'test', location: 'eu-west' }, value: 0 },
    ]);
    expect(
      m
        .samples('prober_step_failures_total')
        .map((s) => s.labels.category)
        .sort(),
    ).toEqual(['aborted', 'timeout']);
    const skipped = Object.fromEntries(m.samples('prober_ticks_skipped_total').map((s) => [s.labels.reason, s.value]));
    expect(skipped).toEqual({ overlap: 1, missed: 0 });
    const authCount = m.samples('prober_step_duration_seconds_count').find((s) => s.labels.step === 'auth.token');
    expect(authCount).toEqual({
      labels: {
        journey: 'golden-path-api',
        step: 'auth.token',
        service: 'auth',
        environment: 'test',
        location: 'eu-west',
      },
      value: 3,
    });
    expect(m.samples('prober_last_run_timestamp_seconds')[0]!.value).toBeGreaterThan(started.getTime() / 1000);
  });

  it('restores up and the last-run time from the store after a restart', async () => {
    const metrics = new ProberMetrics({ defaultMetrics: false });
    const run = sampleRun({ status: 'pass' });
    metrics.restore(run);
    const m = parseMetrics(await metrics.render());
    expect(m.samples('prober_journey_up')[0]?.value).toBe(1);
    expect(m.samples('prober_last_run_timestamp_seconds')[0]?.value).toBeCloseTo(
      (Date.parse(run.startedAt) + run.durationMs) / 1000,
      2,
    );
    expect(m.families.some((f) => f.name.startsWith('process_'))).toBe(false);
  });

  it('pre-initialises counters for known journeys, steps and categories, and says which build runs', async () => {
    const metrics = new ProberMetrics({
      defaultMetrics: false,
      environment: 'staging',
      known: [
        {
          journey: 'login',
          steps: [
            { name: 'auth.token', service: 'auth' },
            { name: 'chat.reply', service: 'backend' },
          ],
          intervalSeconds: 30,
        },
      ],
    });
    const m = parseMetrics(await metrics.render());
    // Before any run: every status and every step × category is a 0 series, so increase() sees the first failure.
    const runs = m.samples('prober_runs_total').filter((s) => s.labels.journey === 'login');
    expect(runs.map((s) => s.labels.status).sort()).toEqual(['degraded', 'error', 'fail', 'flaky', 'pass']);
    expect(
      runs.every((s) => s.value === 0 && s.labels.location === 'default' && s.labels.environment === 'staging'),
    ).toBe(true);
    const failures = m.samples('prober_step_failures_total');
    expect(failures).toHaveLength(2 * 9);
    expect(failures.find((s) => s.labels.step === 'chat.reply' && s.labels.category === 'timeout')?.value).toBe(0);
    expect(m.samples('prober_journey_interval_seconds')).toEqual([
      { labels: { journey: 'login', environment: 'staging', location: 'default' }, value: 30 },
    ]);
    const [info] = m.samples('prober_build_info');
    expect(info?.value).toBe(1);
    expect(info?.labels.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(info?.labels.node_version).toBe(process.versions.node);
    metrics.storeError('save');
    const after = parseMetrics(await metrics.render());
    expect(after.samples('prober_store_errors_total').find((s) => s.labels.operation === 'save')?.value).toBe(1);
  });
});
