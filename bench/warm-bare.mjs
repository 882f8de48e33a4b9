// Warm baseline: the bare undici + ws journey, one per `go` message, reporting its own wall and CPU.
// Mode `fresh` (the same exchange as the prober's): a new undici Agent per journey, closed after it, so every journey
// opens its own connections as a prober run must to measure them. Mode `shared`: undici's global dispatcher, whose
// idle connections carry over from one journey to the next (fewer connects than any prober run can make).
import { performance } from 'node:perf_hooks';
import { Agent } from 'undici';
import { bareJourney } from './bare-journey.mjs';

const [auth, backend, email, mode = 'fresh'] = process.argv.slice(2);
process.on('message', async () => {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  try {
    const agent = mode === 'fresh' ? new Agent() : undefined;
    await bareJourney(auth, backend, email, process.env.BENCH_PASSWORD, agent);
    await agent?.close();
    const c = process.cpuUsage(c0);
    process.send({ wall: performance.now() - t0, cpu: (c.user + c.system) / 1000 });
  } catch (err) {
    process.send({ error: String(err) });
  }
});
process.send({ ready: true });
