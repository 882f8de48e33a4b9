/**
 * What a user pays for a browser journey from cold, in whole processes: `prober run golden-path-browser` (the
 * bundled 5-step browser journey: open, log in, send, see the reply, log out) against `node bench/browser-bare-script.mjs`,
 * the same clicks written straight against the same playwright-core, both driving Debian's /usr/bin/chromium
 * against the cheap target's web pages (bench/cheap-target.mjs, its own process). Paired and interleaved (which side
 * goes first alternates), timed by GNU time (wall, and CPU of the process and the Chromium it waited for); medians
 * and ratios.
 *   npm run build && node --import tsx bench/browser.ts [pairs=11]
 * In-process, long-run memory and process-count figures: bench/browser-long-run.ts.
 */
import { fileURLToPath } from 'node:url';
import { row, startCheapTarget, timeProcess, type Sample } from './stats.js';

const pairs = Number(process.argv[2] ?? 11);
const root = fileURLToPath(new URL('../', import.meta.url));
const chromium = '/usr/bin/chromium';
const env = { ...process.env, BENCH_PASSWORD: 'bench-password-1234', NO_COLOR: '1' };

const target = await startCheapTarget(root);
try {
  const { auth, backend, web } = target.urls;
  const proberArgv = [
    process.execPath,
    `${root}bin/prober.js`,
    'run',
    'golden-path-browser',
    '--config',
    `${root}bench/cheap-browser.config.ts`,
    '--target',
    `auth=${auth}`,
    '--target',
    `backend=${backend}`,
    '--target',
    `web=${web}`,
    '--reporter',
    'json=/dev/null',
  ];
  const bareArgv = [process.execPath, `${root}bench/browser-bare-script.mjs`, web, 'probe@bench.test', chromium];
  const prober = () => timeProcess(proberArgv, { cwd: root, env });
  const bare = () => timeProcess(bareArgv, { cwd: root, env });
  // One of each first, unmeasured: the compiled-journey cache, Chromium's files in the page cache.
  await prober();
  await bare();
  const p: Sample[] = [];
  const b: Sample[] = [];
  for (let i = 0; i < pairs; i++) {
    if (i % 2 === 0) {
      p.push(await prober());
      b.push(await bare());
    } else {
      b.push(await bare());
      p.push(await prober());
    }
  }
  console.log(`| browser journey vs bare Playwright (medians; ${pairs} cold pairs) | prober | bare | ratio |`);
  console.log('|---|---|---|---|');
  console.log(row('cold process, 5 UI steps (`prober run`)', p, b, 's'));
} finally {
  await target.stop();
}
