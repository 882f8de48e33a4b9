import { takeEarlySignal } from './early-signals.js';

/**
 * Runs `work` with an AbortSignal that SIGINT/SIGTERM trigger. In-flight steps end as `aborted`, cleanup steps
 * still run (bounded) and the result is still reported; the exit code is then 128+signal, as shells expect.
 */
export async function withSignals(work: (signal: AbortSignal) => Promise<number>): Promise<number> {
  const controller = new AbortController();
  let received: NodeJS.Signals | undefined;
  const onSignal = (sig: NodeJS.Signals) => {
    if (received !== undefined) process.exit(128 + signalNumber(sig)); // a second signal: the user insists
    received = sig;
    controller.abort(new Error(`received ${sig}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const early = takeEarlySignal();
  if (early !== undefined) onSignal(early);
  try {
    const code = await work(controller.signal);
    return received === undefined ? code : 128 + signalNumber(received);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

function signalNumber(sig: NodeJS.Signals): number {
  return sig === 'SIGINT' ? 2 : 15;
}
