// Warm prober: the API golden path run through the prober's runner, one per `go` message, in a long-lived process
// (as `prober schedule` runs it), reporting its own wall and CPU for that journey.
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config/load-config.js';
import { runJourneys } from '../src/journey/run.js';
import { Redactor } from '../src/redact.js';
import { apiStepIo } from '../src/steps/step-io.js';

const [auth = '', backend = ''] = process.argv.slice(2);
const config = fileURLToPath(new URL('./cheap.config.ts', import.meta.url));
const loaded = await loadConfig(config, { env: process.env, targets: { auth, backend } });
const journey = loaded.journeys.find((j) => j.name === 'golden-path-api');
if (journey === undefined) throw new Error('golden-path-api not found');

process.on('message', async () => {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const redactor = new Redactor();
  for (const v of Object.values(loaded.secrets)) redactor.add(v);
  const r = await runJourneys([journey], {
    environment: 'bench',
    targets: loaded.config.targets,
    secrets: loaded.secrets,
    variables: loaded.config.variables,
    redactor,
    io: apiStepIo({ maxBodyBytes: loaded.config.http.maxBodyBytes }),
    userAgent: 'bench',
    maxBodyBytes: loaded.config.http.maxBodyBytes,
  });
  const c = process.cpuUsage(c0);
  if (r.status !== 'pass') process.send?.({ error: `journey did not pass: ${r.journeys[0]?.verdict ?? ''}` });
  else process.send?.({ wall: performance.now() - t0, cpu: (c.user + c.system) / 1000 });
});
