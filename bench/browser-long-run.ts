/**
 * The browser journey: the prober (runner, deadlines, error translation, artifacts, synthetic tagging) against a bare
 * Playwright script doing the same clicks, in one run against the same sandbox, each with its own Chromium launched
 * with the same flags. Then a long run of consecutive prober journeys in one process, sharing one browser, to show
 * that neither memory nor the Chromium process count grows (Uptime Kuma #3788/#4232 are what this guards against).
 *   node --import tsx bench/browser-long-run.ts [pairs=20] [longRuns=500] [maxMinutes=30]
 * (The cold comparison, whole processes against a cheap target, is bench/browser.ts.)
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { runJourneys } from '../src/journey/run.js';
import { Redactor } from '../src/redact.js';
import { startSandbox, type Sandbox } from '../src/sandbox/index.js';
import { browserSettings, launchChromium } from '../src/steps/browser-launcher.js';
import { withBrowserRun } from '../src/steps/browser-run.js';
import { BrowserSession } from '../src/steps/browser-session.js';
import { apiStepIo } from '../src/steps/step-io.js';
import browserJourney from '../probes/golden-path-browser.js';
import { bareBrowserJourney } from './browser-bare.js';
import { chromiumTree, median, slope, withPeak } from './browser-procs.js';

const pairs = Number(process.argv[2] ?? 20);
const longRuns = Number(process.argv[3] ?? 500);
const maxMinutes = Number(process.argv[4] ?? 30);
const email = 'probe@sandbox.test';
const password = 'bench-password-1234';
const MB = 1024 * 1024;

async function proberJourney(sandbox: Sandbox, session: BrowserSession, artifactsDir: string): Promise<void> {
  const redactor = new Redactor();
  redactor.add(password);
  const runId = randomUUID();
  const { urls } = sandbox;
  const settings = { ...session.settings, artifactsDir };
  const api = apiStepIo({ maxBodyBytes: 1 << 20 });
  const result = await withBrowserRun({ settings, runId, journeys: [browserJourney], redactor, api, session }, (io) =>
    runJourneys([browserJourney], {
      runId,
      environment: 'bench',
      redactor,
      io,
      userAgent: 'bench',
      maxBodyBytes: 1 << 20,
      targets: { auth: urls.auth, backend: urls.backend, web: urls.web },
      secrets: { password },
      variables: { email },
    }),
  );
  // Degraded still did every click: on a loaded two-core box budgets are noise, only failures matter here.
  if (result.status !== 'pass' && result.status !== 'degraded')
    throw new Error(`prober journey failed: ${result.journeys[0]?.verdict}`);
}

const sandbox = await startSandbox({ users: [{ email, password }] });
const artifactsDir = mkdtempSync(join(tmpdir(), 'bench-browser-'));
const proberTag = randomUUID();
const bareTag = randomUUID();
const settings = { ...browserSettings(undefined), artifactsDir };
const session = new BrowserSession(settings, { env: { ...process.env, BENCH_BROWSER_TAG: proberTag } });
const bare = await launchChromium(settings, { env: { ...process.env, BENCH_BROWSER_TAG: bareTag } });
try {
  const prober = () => proberJourney(sandbox, session, artifactsDir);
  const bareRun = () => bareBrowserJourney(bare, sandbox.urls.web, email, password);
  for (let i = 0; i < 3; i++) {
    await prober();
    await bareRun();
  } // warm-up: first renderers, JIT, caches

  type Row = { wall: number[]; chromium: number[]; pss: number[]; node: number[] };
  const rows: Record<'prober' | 'bare', Row> = {
    prober: { wall: [], chromium: [], pss: [], node: [] },
    bare: { wall: [], chromium: [], pss: [], node: [] },
  };
  for (let i = 0; i < pairs; i++) {
    // interleaved so drift hits both equally
    for (const [name, run, tag] of [
      ['prober', prober, proberTag],
      ['bare', bareRun, bareTag],
    ] as const) {
      let peakPss = 0;
      const sampleTree = () => {
        const tree = chromiumTree(tag);
        peakPss = Math.max(peakPss, tree.pssBytes);
        return tree.rssBytes;
      };
      const t0 = performance.now();
      const node = await withPeak(
        () => process.memoryUsage.rss(),
        async () => (await withPeak(sampleTree, run)).peak,
      );
      rows[name].wall.push(performance.now() - t0);
      rows[name].chromium.push(node.value);
      rows[name].pss.push(peakPss);
      rows[name].node.push(node.peak);
    }
  }
  const m = (name: 'prober' | 'bare', k: keyof Row) => median(rows[name][k]);
  console.log(`per journey, ${pairs} interleaved pairs (median):`);
  console.log(
    `  prober  wall ${m('prober', 'wall').toFixed(0)} ms  peak Chromium RSS ${(m('prober', 'chromium') / MB).toFixed(0)} MB  PSS ${(m('prober', 'pss') / MB).toFixed(0)} MB  peak node RSS ${(m('prober', 'node') / MB).toFixed(0)} MB`,
  );
  console.log(
    `  bare    wall ${m('bare', 'wall').toFixed(0)} ms  peak Chromium RSS ${(m('bare', 'chromium') / MB).toFixed(0)} MB  PSS ${(m('bare', 'pss') / MB).toFixed(0)} MB  (node process shared)`,
  );
  console.log(
    `  ratio   wall ${(m('prober', 'wall') / m('bare', 'wall')).toFixed(2)}x  Chromium RSS ${(m('prober', 'chromium') / m('bare', 'chromium')).toFixed(2)}x  PSS ${(m('prober', 'pss') / m('bare', 'pss')).toFixed(2)}x`,
  );
  await bare.close();

  const rss: number[] = [];
  const chromiumRss: number[] = [];
  const chromiumPss: number[] = [];
  const counts: number[] = [];
  const started = Date.now();
  for (let i = 0; i < longRuns && Date.now() - started < maxMinutes * 60_000; i++) {
    await prober();
    const tree = chromiumTree(proberTag);
    rss.push(process.memoryUsage.rss());
    chromiumRss.push(tree.rssBytes);
    chromiumPss.push(tree.pssBytes);
    counts.push(tree.processes);
  }
  const steady = (xs: number[]) => xs.slice(Math.min(20, Math.floor(xs.length / 10))); // skip warm-up growth
  const kbPerRun = (xs: number[]) => (slope(steady(xs)) / 1024).toFixed(1);
  console.log(
    `long run: ${rss.length} consecutive journeys, one browser, ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
  console.log(
    `  node RSS      first ${(rss[0]! / MB).toFixed(0)} MB  last ${(rss.at(-1)! / MB).toFixed(0)} MB  slope ${kbPerRun(rss)} KB/run`,
  );
  console.log(
    `  Chromium RSS  first ${(chromiumRss[0]! / MB).toFixed(0)} MB  last ${(chromiumRss.at(-1)! / MB).toFixed(0)} MB  slope ${kbPerRun(chromiumRss)} KB/run`,
  );
  console.log(
    `  Chromium PSS  first ${(chromiumPss[0]! / MB).toFixed(0)} MB  last ${(chromiumPss.at(-1)! / MB).toFixed(0)} MB  slope ${kbPerRun(chromiumPss)} KB/run`,
  );
  console.log(
    `  Chromium processes after each run: min ${Math.min(...counts)}  max ${Math.max(...counts)}  last ${counts.at(-1)}  slope ${slope(steady(counts)).toFixed(4)}/run`,
  );
} finally {
  await bare.close().catch(() => undefined);
  await session.close();
  await sandbox.close();
  rmSync(artifactsDir, { recursive: true, force: true });
}
console.log(
  `after close: ${chromiumTree(proberTag).processes} prober Chromium processes, ${chromiumTree(bareTag).processes} bare`,
);
