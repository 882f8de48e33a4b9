// One side of bench/wire-sockets.ts, in its own process: `node --import tsx bench/wire-worker.ts MODE PORT ROUNDS`.
// MODE bare: no wire observation; unused: installed, but no step owns the sockets (what the prober's own sockets
// pay in a daemon); step: installed, and every socket is a step's (opened, written on, recorded). All three run
// inside an AsyncLocalStorage scope, as step code always does under the CLI. Prints one JSON line of samples.
import { AsyncLocalStorage } from 'node:async_hooks';
import { connect } from 'node:net';
import { performance } from 'node:perf_hooks';
import { installWire } from '../src/wire/install-wire.js';
import { JourneyWire, StepWire } from '../src/wire/step-wire.js';

const [mode = 'bare', portArg = '0', roundsArg = '200'] = process.argv.slice(2);
const port = Number(portArg);
const rounds = Number(roundsArg);
const als = new AsyncLocalStorage<{ wire: StepWire | undefined }>();
if (mode !== 'bare') installWire(() => als.getStore()?.wire?.owner());

const payload = Buffer.alloc(64, 1);
/** One exchange as a client library makes it: connect, write, read the echo, close. */
const exchange = () =>
  new Promise<void>((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => s.write(payload));
    s.once('data', () => s.end());
    s.once('close', () => resolve());
    s.once('error', reject);
  });

const samples: { wall: number; cpu: number }[] = [];
for (let i = 0; i < rounds; i++) {
  // A journey run and its step per exchange, as the runner makes them; a passing step takes no snapshot.
  const journey = new JourneyWire();
  const wire = mode === 'step' ? new StepWire(journey) : undefined;
  if (wire !== undefined) journey.current = wire;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await als.run({ wire }, exchange);
  if (wire !== undefined) wire.ended = true;
  journey.destroyLeftovers();
  const cpu = process.cpuUsage(c0);
  samples.push({ wall: performance.now() - t0, cpu: (cpu.user + cpu.system) / 1000 });
}
process.stdout.write(`${JSON.stringify(samples.slice(Math.floor(rounds / 5)))}\n`);
