/**
 * `work`'s outcome, or `onTimeout()`'s (its value, or what it throws) when `ms` pass first. The timer is cleared
 * as soon as either settles; with `unref` it never holds the process open on its own (a best-effort close). `work`
 * is not cancelled: pass it a signal if it can stop.
 */
export function withDeadline<T, U>(
  work: PromiseLike<T>,
  ms: number,
  onTimeout: () => U,
  options: { unref?: boolean } = {},
): Promise<T | U> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<U>((resolve, reject) => {
    timer = setTimeout(() => {
      try {
        resolve(onTimeout());
      } catch (err) {
        reject(err);
      }
    }, ms);
    if (options.unref === true) timer.unref();
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}
