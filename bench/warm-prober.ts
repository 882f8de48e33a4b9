// Warm prober: the API golden path through the public programmatic API, `run()` from 'golden-path-prober', one
// journey per `go` message in a long-lived process, reporting its own wall and CPU for that call: the config is
// resolved and the (already imported) journey looked up on every call, then the runner builds the result, as an
// application embedding the prober pays it.
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { run } from 'golden-path-prober';

const [auth = '', backend = ''] = process.argv.slice(2);
const config = fileURLToPath(new URL('./cheap.config.ts', import.meta.url));

process.on('message', async () => {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await run({ config, journeys: ['golden-path-api'], targets: { auth, backend } });
  const c = process.cpuUsage(c0);
  if (r.status !== 'pass') process.send?.({ error: `journey did not pass: ${r.journeys[0]?.verdict ?? ''}` });
  else process.send?.({ wall: performance.now() - t0, cpu: (c.user + c.system) / 1000 });
});
