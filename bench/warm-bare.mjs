// Warm baseline: the bare undici + ws journey, one per `go` message, reporting its own wall and CPU.
import { performance } from 'node:perf_hooks';
import { bareJourney } from './bare-journey.mjs';

const [auth, backend, email] = process.argv.slice(2);
process.on('message', async () => {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  try {
    await bareJourney(auth, backend, email, process.env.BENCH_PASSWORD);
    const c = process.cpuUsage(c0);
    process.send({ wall: performance.now() - t0, cpu: (c.user + c.system) / 1000 });
  } catch (err) {
    process.send({ error: String(err) });
  }
});
process.send({ ready: true });
