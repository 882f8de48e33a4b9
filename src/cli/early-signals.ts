const KEY = Symbol.for('golden-path-prober.early-signal');

interface EarlySignals {
  take(): NodeJS.Signals | undefined;
}

/**
 * The signal `bin/prober.js` held while the command was still loading, if any; stops holding. Call right after
 * installing the command's own handlers, so no signal falls between the two.
 */
export function takeEarlySignal(): NodeJS.Signals | undefined {
  const holder = (globalThis as Record<symbol, EarlySignals | undefined>)[KEY];
  (globalThis as Record<symbol, EarlySignals | undefined>)[KEY] = undefined;
  return holder?.take();
}
