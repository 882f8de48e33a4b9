/**
 * Overhead of the prober over a bare undici+ws script doing the same journey, against the same sandbox, in one run.
 * Reports medians (this machine is noisy) and ratios against the baseline measured alongside.
 *   npm run bench:api -- [iterations=200] [coldRuns=10]
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config/load-config.js';
import { runJourneys } from '../src/journey/run.js';
import { Redactor } from '../src/redact.js';
import { startSandbox } from '../src/sandbox/index.js';
import { apiStepIo } from '../src/steps/step-io.js';
// @ts-expect-error plain JS baseline without type declarations
import { bareJourney } from './bare-journey.mjs';

const iterations = Number(process.argv[2] ?? 200);
const coldRuns = Number(process.argv[3] ?? 10);
const email = 'probe@sandbox.test';
const password = 'bench-password-1234';
const root = fileURLToPath(new URL('../', import.meta.url));

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
};

async function measure(fn: () => Promise<void>): Promise<{ wall: number; cpu: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await fn();
  const c = process.cpuUsage(c0);
  return { wall: performance.now() - t0, cpu: (c.user + c.system) / 1000 };
}

const sandbox = await startSandbox({ users: [{ email, password }] });
try {
  const { urls } = sandbox;
  const loaded = await loadConfig(`${root}config/sandbox.ts`, { env: { SANDBOX_PASSWORD: password }, targets: { auth: urls.auth, backend: urls.backend, web: urls.web } });
  const journey = loaded.journeys.find((j) => j.name === 'golden-path-api')!;
  const prober = async () => {
    const redactor = new Redactor();
    redactor.add(password);
    const r = await runJourneys([journey], {
      environment: 'bench', targets: loaded.config.targets, secrets: loaded.secrets, variables: loaded.config.variables,
      redactor, io: apiStepIo({ maxBodyBytes: 10 << 20 }), userAgent: 'bench', maxBodyBytes: 10 << 20,
    });
    if (r.status !== 'pass') throw new Error(`prober journey did not pass: ${r.journeys[0]?.verdict}`);
  };
  const bare = () => bareJourney(urls.auth, urls.backend, email, password) as Promise<void>;

  for (let i = 0; i < 10; i++) { await prober(); await bare(); } // warm-up (JIT, sockets)
  const p: { wall: number; cpu: number }[] = [];
  const b: { wall: number; cpu: number }[] = [];
  for (let i = 0; i < iterations; i++) { // interleaved so drift hits both equally
    p.push(await measure(prober));
    b.push(await measure(bare));
  }
  const pw = median(p.map((x) => x.wall)), bw = median(b.map((x) => x.wall));
  const pc = median(p.map((x) => x.cpu)), bc = median(b.map((x) => x.cpu));
  console.log(`in-process, ${iterations} journeys each (median per journey):`);
  console.log(`  prober  wall ${pw.toFixed(2)} ms  cpu ${pc.toFixed(2)} ms`);
  console.log(`  bare    wall ${bw.toFixed(2)} ms  cpu ${bc.toFixed(2)} ms`);
  console.log(`  ratio   wall ${(pw / bw).toFixed(2)}x  cpu ${(pc / bc).toFixed(2)}x`);

  // Asynchronous on purpose: the sandbox serving the child lives in this process's event loop.
  const cold = async (args: string[]) => {
    const t0 = performance.now();
    await promisify(execFile)(process.execPath, args, { cwd: root, env: { ...process.env, SANDBOX_PASSWORD: password } });
    return performance.now() - t0;
  };
  const targets = ['auth', 'backend', 'web'].flatMap((t) => ['--target', `${t}=${urls[t as 'auth']}`]);
  const pc2: number[] = [];
  const bc2: number[] = [];
  for (let i = 0; i < coldRuns; i++) {
    pc2.push(await cold(['bin/prober.js', 'run', '--config', 'config/sandbox.ts', ...targets, '--reporter', 'json=/dev/null']));
    bc2.push(await cold(['bench/bare-journey.mjs', urls.auth, urls.backend, email]));
  }
  console.log(`cold process, ${coldRuns} runs each (median):`);
  console.log(`  prober run   ${median(pc2).toFixed(0)} ms`);
  console.log(`  bare script  ${median(bc2).toFixed(0)} ms`);
  console.log(`  ratio        ${(median(pc2) / median(bc2)).toFixed(2)}x`);
} finally {
  await sandbox.close();
}
