// The capacity floor: the bare undici + ws golden path (bench/bare-journey.mjs) in a closed loop in this one process,
// one journey after another, each with a fresh undici Agent (its own connections, as every prober run opens its
// own to time them), for SECONDS. Prints one JSON line: journeys per minute and CPU (all threads) per journey.
//   node bench/floor-loop.mjs AUTH_URL BACKEND_URL SECONDS      (password from BENCH_PASSWORD)
import { performance } from 'node:perf_hooks';
import { Agent } from 'undici';
import { bareJourney } from './bare-journey.mjs';

const [auth, backend, secondsArg = '10'] = process.argv.slice(2);
const password = process.env.BENCH_PASSWORD ?? 'bench-password-1234';
const email = 'probe@bench.test';
const once = async () => {
  const agent = new Agent();
  await bareJourney(auth, backend, email, password, agent);
  await agent.close();
};
for (let i = 0; i < 50; i++) await once();
const c0 = process.cpuUsage();
const t0 = performance.now();
const end = t0 + Number(secondsArg) * 1000;
let n = 0;
while (performance.now() < end) {
  await once();
  n++;
}
const wall = performance.now() - t0;
const c = process.cpuUsage(c0);
console.log(
  JSON.stringify({ journeys: n, perMin: (n / wall) * 60_000, cpuMsPerJourney: (c.user + c.system) / 1000 / n }),
);
