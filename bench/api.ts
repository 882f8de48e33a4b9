/**
 * What a user pays for an API journey, against a cheap loopback target in its own process (bench/cheap-target.mjs):
 * the bundled golden path through the prober vs the same requests in a bare undici + ws script
 * (bench/bare-journey.mjs). Paired and interleaved; medians and ratios; CPU is the client process's only.
 *   1. warm: one journey per request in long-lived worker processes: `createProber()` once, then `prober.run()` per
 *      journey, vs the bare script with a fresh undici Agent per journey (the same exchange: a prober run opens its
 *      own connections to time them) and vs the bare script on undici's global dispatcher (connections kept);
 *   2. cold: whole processes, `prober run golden-path-api` vs `node bench/bare-journey.mjs`, timed by GNU time.
 *   npm run bench:api -- [warmIterations=300] [coldRuns=15]
 */
import { fileURLToPath } from 'node:url';
import { forkWorker, row, startCheapTarget, timeProcess, type Sample } from './stats.js';

const warmIterations = Number(process.argv[2] ?? 300);
const coldRuns = Number(process.argv[3] ?? 15);
const root = fileURLToPath(new URL('../', import.meta.url));
const email = 'probe@bench.test';
const env = { ...process.env, BENCH_PASSWORD: 'bench-password-1234', NO_COLOR: '1' };

const target = await startCheapTarget(root);
try {
  const { auth, backend } = target.urls;
  const warm: Record<'prober' | 'fresh' | 'shared', Sample[]> = { prober: [], fresh: [], shared: [] };
  // warmIterations 0 skips the warm rows (the cold row alone: `npm run bench:api -- 0 15`).
  if (warmIterations > 0) {
    const workers = {
      prober: forkWorker([`${root}bench/warm-prober.mjs`, auth, backend], env),
      fresh: forkWorker([`${root}bench/warm-bare.mjs`, auth, backend, email, 'fresh'], env),
      shared: forkWorker([`${root}bench/warm-bare.mjs`, auth, backend, email, 'shared'], env),
    };
    const sides = Object.keys(workers) as (keyof typeof workers)[];
    try {
      for (let i = 0; i < 30; i++) for (const side of sides) await workers[side].once(); // JIT warm-up
      for (let i = 0; i < warmIterations; i++) {
        // Rotate which side goes first, so drift and GC pauses hit every side equally.
        for (let k = 0; k < sides.length; k++) {
          const side = sides[(i + k) % sides.length]!;
          warm[side].push(await workers[side].once());
        }
      }
    } finally {
      for (const w of Object.values(workers)) w.stop();
    }
  }
  const cold: { p: Sample[]; b: Sample[] } = { p: [], b: [] };
  const proberArgv = [
    process.execPath,
    `${root}bin/prober.js`,
    'run',
    'golden-path-api',
    '--config',
    `${root}bench/cheap.config.ts`,
    '--target',
    `auth=${auth}`,
    '--target',
    `backend=${backend}`,
    '--reporter',
    'json=/dev/null',
  ];
  const bareArgv = [process.execPath, `${root}bench/bare-journey.mjs`, auth, backend, email];
  const bareEnv = { ...env, SANDBOX_PASSWORD: env.BENCH_PASSWORD };
  for (let i = 0; i < coldRuns; i++) {
    if (i % 2 === 0) {
      cold.p.push(await timeProcess(proberArgv, { cwd: root, env }));
      cold.b.push(await timeProcess(bareArgv, { cwd: root, env: bareEnv }));
    } else {
      cold.b.push(await timeProcess(bareArgv, { cwd: root, env: bareEnv }));
      cold.p.push(await timeProcess(proberArgv, { cwd: root, env }));
    }
  }
  console.log(
    `| API journey vs bare undici + ws (medians; ${warmIterations} warm pairs, ${coldRuns} cold pairs) | prober | bare | ratio |`,
  );
  console.log('|---|---|---|---|');
  if (coldRuns > 0) console.log(row('cold process (`prober run`)', cold.p, cold.b, 's'));
  if (warmIterations > 0) {
    console.log(
      row(
        'warm, one `prober.run()` (`createProber()` once) vs bare, fresh connections per journey',
        warm.prober,
        warm.fresh,
        'ms',
      ),
    );
    console.log(
      row('warm, the same prober runs vs bare reusing connections across journeys', warm.prober, warm.shared, 'ms'),
    );
  }
} finally {
  await target.stop();
}
