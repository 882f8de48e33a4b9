// What observing the wire costs a socket: `node --import tsx bench/wire-sockets.ts [batches=5] [rounds=400]`.
// An echo server in its own process; each batch runs the three sides (bench/wire-worker.ts) one after the other
// in rotating order, each in a fresh process; medians per exchange (connect, 64 bytes out and back, close) over all
// batches, and the ratios against the bare side from the same run.
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { row, type Sample } from './stats.js';

const [batches = 5, rounds = 400] = process.argv.slice(2).map(Number);
const run = promisify(execFile);
const worker = fileURLToPath(new URL('./wire-worker.ts', import.meta.url));
const echo = spawn(
  process.execPath,
  [
    '-e',
    `const s=require('net').createServer(c=>c.on('data',d=>c.write(d))).listen(0,'127.0.0.1',()=>console.log(s.address().port))`,
  ],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
const [line] = (await once(echo.stdout, 'data')) as [Buffer];
const port = Number(line.toString().trim());
const modes = ['bare', 'unused', 'step'] as const;
const samples: Record<(typeof modes)[number], Sample[]> = { bare: [], unused: [], step: [] };
for (let b = 0; b < batches; b++) {
  for (let k = 0; k < modes.length; k++) {
    const mode = modes[(b + k) % modes.length]!;
    const { stdout } = await run(process.execPath, ['--import', 'tsx', worker, mode, String(port), String(rounds)]);
    samples[mode].push(...(JSON.parse(stdout) as Sample[]));
  }
}
echo.kill();
console.log('| per socket exchange | observed | bare | ratio |\n|---|---|---|---|');
console.log(row('installed, no step owns the socket', samples.unused, samples.bare, 'ms'));
console.log(row("a step's socket, recorded", samples.step, samples.bare, 'ms'));
