/**
 * Resolves with the first SIGTERM or SIGINT. A second signal while shutting down means the operator insists:
 * exit at once with 128 + signal number (the in-flight markers are recorded as aborted at the next start).
 * `takeEarlySignal` hands over a signal that arrived while the process was still loading (the CLI holds one); it
 * is passed in because that holding is the CLI's business, and schedule/ imports nothing from the CLI.
 */
export function untilShutdownSignal(takeEarlySignal: () => NodeJS.Signals | undefined): {
  signal: Promise<NodeJS.Signals>;
  dispose: () => void;
} {
  let first: NodeJS.Signals | undefined;
  let resolve: (sig: NodeJS.Signals) => void = () => undefined;
  const signal = new Promise<NodeJS.Signals>((r) => (resolve = r));
  const onSignal = (sig: NodeJS.Signals) => {
    if (first !== undefined) process.exit(128 + (sig === 'SIGINT' ? 2 : 15));
    first = sig;
    resolve(sig);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  const early = takeEarlySignal();
  if (early !== undefined) onSignal(early);
  return {
    signal,
    dispose: () => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
    },
  };
}

/**
 * Last line of defence for the 10 s exit promise: if something outside our control (a library's keep-alive
 * socket) still holds the event loop after a clean shutdown, exit anyway. Unref'd, so it never delays an exit.
 */
export function exitIfStillAlive(code: number, afterMs: number): void {
  setTimeout(() => process.exit(code), afterMs).unref();
}
