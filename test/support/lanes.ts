/**
 * At most `n` of the callers' functions at a time, the rest queued in call order: for a file's independent cases run
 * concurrently (`it.concurrent`), a few at a time on a two-core box, each starting Node, a sandbox or Chromium.
 */
export function lanes(n: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (fn) => {
    if (running >= n) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await fn();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}
