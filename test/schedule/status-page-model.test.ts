import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { journey, step } from '../../src/journey/define.js';
import { RunResult } from '../../src/journey/result-schema.js';
import { buildStatusModel, percentile, stepSeries } from '../../src/report/status-page/page-model.js';
import { favicon, renderStatusPage } from '../../src/report/status-page/render-page.js';
import { interruptedRunResult } from '../../src/schedule/interrupted-run.js';
import { SqliteRunStore } from '../../src/store/sqlite-run-store.js';
import { sampleRun } from '../store/sample-run.js';

let dir: string;
let store: SqliteRunStore;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'prober-page-'));
  store = new SqliteRunStore(join(dir, 'state.db'));
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('status page model', () => {
  it('nearest-rank percentiles are observed values', () => {
    expect(percentile([], 50)).toBeUndefined();
    expect(percentile([30, 10, 20], 50)).toBe(20);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 100], 95)).toBe(100);
    expect(percentile([5], 95)).toBe(5);
  });

  it('one series per step in journey order, with gaps where a step was skipped', () => {
    const a = sampleRun({
      steps: [
        ['auth.token', 10],
        ['chat.reply', 30],
      ],
    }).journeys[0]!;
    const b = sampleRun({
      status: 'fail',
      steps: [
        ['auth.token', 12],
        ['chat.reply', 40],
      ],
    }).journeys[0]!;
    const skipped = { ...b, steps: [b.steps[0]!, { ...b.steps[1]!, status: 'skipped' as const }] };
    const series = stepSeries([a, skipped]);
    // b failed: none of its timings is plotted as latency (issue 28), the skipped step no more than the others.
    expect(series.map((s) => [s.step, s.points])).toEqual([
      ['auth.token', [10, null]],
      ['chat.reply', [30, null]],
    ]);
    expect(series[1]).toMatchObject({ p50: 30, p95: 30 });
  });

  it('builds uptime, the strip and the last failures from the store, and shows configured journeys before their first run', async () => {
    const t = (min: number) => new Date(Date.now() - min * 60_000);
    for (const [status, min] of [
      ['pass', 50],
      ['fail', 40],
      ['degraded', 30],
      ['error', 20],
      ['pass', 10],
    ] as const) {
      await store.saveRun(sampleRun({ status, startedAt: t(min) }));
    }
    const model = await buildStatusModel(store, {
      configured: [{ journey: 'later', description: 'not run yet', schedule: '0 * * * * *' }],
      refreshSeconds: 30,
    });
    expect(model.environment).toBe('test');
    const [j, later] = model.journeys;
    expect(j).toMatchObject({ journey: 'golden-path-api', status: 'pass', uptime24h: 0.75, uptime7d: 0.75 });
    expect(j!.runs.map((r) => r.status)).toEqual(['pass', 'fail', 'degraded', 'error', 'pass']);
    expect(j!.failures.map((f) => f.status)).toEqual(['error', 'fail']);
    expect(later).toMatchObject({
      journey: 'later',
      status: 'unknown',
      verdict: 'No run recorded yet',
      uptime24h: undefined,
      runs: [],
    });
    const html = renderStatusPage(model);
    expect(html).toContain('<meta http-equiv="refresh" content="30">');
    expect(html).toContain('data-journey="later" data-status="unknown"');
    expect(html).toContain('75.00 %');
    // The favicon is the headline's colour: 'later' has no data and the API journey passes, so the page is green.
    expect(html).toContain(`<link rel="icon" href="${favicon('pass')}">`);
    expect(decodeURIComponent(favicon('fail'))).toContain('fill="#d64545"');
  });

  it('escapes everything that came from a result: a failing service can echo markup', async () => {
    const run = sampleRun({ status: 'fail' });
    const j = run.journeys[0]!;
    const evil = '<img src=x onerror=alert(1)>"\'&';
    j.failure = { ...j.failure!, message: evil };
    j.verdict = `Users cannot ${evil}`;
    await store.saveRun(run);
    const html = renderStatusPage(await buildStatusModel(store));
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;');
    expect(html).not.toContain('http-equiv="refresh"'); // a static report does not refresh unless asked
  });
});

describe('interruptedRunResult', () => {
  const def = journey({
    name: 'golden-path-api',
    description: 'log in and chat',
    capability: 'log in and chat',
    steps: [
      step('auth.token', { service: 'auth' }, () => undefined),
      step('chat.reply', { service: 'backend', timeoutMs: 20_000 }, () => undefined),
    ],
  });

  it('records a run killed mid-step as a valid error/aborted result at the step it had reached', () => {
    const marker = {
      runId: 'r1',
      journey: def.name,
      environment: 'test',
      startedAt: new Date().toISOString(),
      step: { name: 'chat.reply', service: 'backend', timeoutMs: 20_000 },
    };
    const result = RunResult.parse(interruptedRunResult(marker, def));
    expect(result.status).toBe('error');
    expect(result.summary.errored).toBe(1);
    expect(result.journeys[0]!.failure).toMatchObject({ step: 'chat.reply', service: 'backend', category: 'aborted' });
    expect(result.journeys[0]!.verdict).toMatch(/^Could not judge whether users can log in and chat/);
  });

  it('without a step (killed before the first step) blames the first step; without the journey it still validates', () => {
    const marker = { runId: 'r2', journey: 'gone', environment: 'test', startedAt: new Date().toISOString() };
    expect(
      RunResult.parse(interruptedRunResult({ ...marker, journey: def.name }, def)).journeys[0]!.failure?.step,
    ).toBe('auth.token');
    expect(RunResult.parse(interruptedRunResult(marker, undefined)).journeys[0]!.failure?.category).toBe('aborted');
  });
});
