// The warm journey in a loop in this one process, for profiling what a run costs (bench/api.ts gives the paired
// figures). Starts the cheap target, warms up with 50 journeys, then times `runs` more and prints per-run wall and
// CPU. With PROF=file.cpuprofile, only the timed loop is profiled (V8 inspector), not start-up or config loading.
//   npm run build && PROF=/tmp/prober.cpuprofile node bench/warm-loop.mjs prober 3000
//   PROF=/tmp/bare.cpuprofile node bench/warm-loop.mjs fresh 3000      (or `shared`: undici's global dispatcher)
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Agent } from 'undici';
import { createProber } from 'golden-path-prober';
import { bareJourney } from './bare-journey.mjs';

const [side = 'prober', runsArg = '1000'] = process.argv.slice(2);
const runs = Number(runsArg);
// The cheap target in its own process, as bench/api.ts starts it (stats.ts is TypeScript; this file runs on plain node).
const target = spawn(process.execPath, [fileURLToPath(new URL('./cheap-target.mjs', import.meta.url))], {
  stdio: ['pipe', 'pipe', 'inherit'],
});
const [line] = await once(createInterface({ input: target.stdout }), 'line');
const { auth, backend } = JSON.parse(line);
const password = 'bench-password-1234';
const email = 'probe@bench.test';

let journey;
if (side === 'prober') {
  const config = fileURLToPath(new URL('./cheap.config.ts', import.meta.url));
  const prober = await createProber({ config, targets: { auth, backend }, env: { BENCH_PASSWORD: password } });
  journey = async () => {
    const r = await prober.run({ journeys: ['golden-path-api'] });
    if (r.status !== 'pass') throw new Error(`journey did not pass: ${r.journeys[0]?.verdict}`);
  };
} else {
  journey = async () => {
    const agent = side === 'fresh' ? new Agent() : undefined;
    await bareJourney(auth, backend, email, password, agent);
    await agent?.close();
  };
}

try {
  for (let i = 0; i < 50; i++) await journey();
  const session = new Session();
  if (process.env.PROF) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 100 });
    await session.post('Profiler.start');
  }
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < runs; i++) await journey();
  const c = process.cpuUsage(c0);
  const wall = performance.now() - t0;
  if (process.env.PROF) writeFileSync(process.env.PROF, JSON.stringify((await session.post('Profiler.stop')).profile));
  console.log(
    `${side}: ${runs} journeys, per journey ${(wall / runs).toFixed(2)} ms wall, ${((c.user + c.system) / 1000 / runs).toFixed(2)} ms CPU`,
  );
} finally {
  target.kill('SIGTERM');
}
