// Warm prober: the API golden path through the public programmatic API, as a service that probes in a loop uses
// it: `createProber()` from 'golden-path-prober' once (config loaded, checked, journeys imported), then
// `prober.run()` per `go` message, reporting this process's own wall and CPU for that call: the runner, the step
// clients, evidence, verdict and the redacted result, everything a run pays except loading the config.
// Plain JavaScript on purpose, run by plain `node` like the bare side: under tsx, this repository's tsconfig `paths`
// would map 'golden-path-prober' to the TypeScript sources, and the bench would time tsx's transform of src/ (about
// 0.5 ms more per run) instead of the package as it ships (dist/).
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createProber } from 'golden-path-prober';

const [auth, backend] = process.argv.slice(2);
const config = fileURLToPath(new URL('./cheap.config.ts', import.meta.url));
const prober = await createProber({ config, targets: { auth, backend } });

process.on('message', async () => {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await prober.run({ journeys: ['golden-path-api'] });
  const c = process.cpuUsage(c0);
  if (r.status !== 'pass') process.send({ error: `journey did not pass: ${r.journeys[0]?.verdict}` });
  else process.send({ wall: performance.now() - t0, cpu: (c.user + c.system) / 1000 });
});
process.send({ ready: true });
