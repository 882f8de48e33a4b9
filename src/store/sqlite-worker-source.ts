/**
 * The SQLite store's own thread (sqlite-worker-store.ts starts it with `eval`, so no extra file has to be found in
 * the bundled CLI): it opens a `SqliteRunStore` (imported by URL; `loaderUrl` first when that is a TypeScript
 * source) and runs each request in arrival order (after the process's \`--import\` preloads, which Node 20 runs on the
 * main thread only: an APM agent or a fault injector instrumenting better-sqlite3 must see it where it runs), answering with its value or its error's name, message and code.
 * better-sqlite3 blocks the thread it runs on for every statement and commit; here that is not the event loop that
 * times the journeys.
 */
export const SQLITE_WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { storeUrl, loaderUrl, preloads, path, busyTimeoutMs, openBusyTimeoutMs } = workerData;
const errorOf = (err) => ({
  name: err && err.name ? String(err.name) : 'Error',
  message: err && err.message !== undefined ? String(err.message) : String(err),
  code: err && err.code !== undefined ? String(err.code) : undefined,
});
(async () => {
  let store;
  try {
    for (const url of preloads) await import(url);
    if (loaderUrl) (await import(loaderUrl)).register();
    const { SqliteRunStore } = await import(storeUrl);
    const options = { onInvalid: (runId, problem) => parentPort.postMessage({ invalid: [runId, problem] }) };
    if (busyTimeoutMs !== undefined) options.busyTimeoutMs = busyTimeoutMs;
    if (openBusyTimeoutMs !== undefined) options.openBusyTimeoutMs = openBusyTimeoutMs;
    store = new SqliteRunStore(path, options);
  } catch (err) {
    parentPort.postMessage({ opened: errorOf(err) });
    return;
  }
  parentPort.postMessage({ opened: null });
  // Requests come in batches (one message per turn of the caller's loop); replies go back the same way.
  let replies = [];
  const flush = () => {
    const out = replies;
    replies = [];
    parentPort.postMessage({ replies: out });
  };
  const reply = (r) => {
    replies.push(r);
    if (replies.length === 1) setImmediate(flush);
  };
  parentPort.on('message', ({ batch }) => {
    for (const { id, method, args } of batch) {
      let pending;
      try {
        pending = Promise.resolve(store[method](...args));
      } catch (err) {
        pending = Promise.reject(err);
      }
      pending.then(
        (value) => reply({ id, value }),
        (err) => reply({ id, error: errorOf(err) }),
      );
    }
  });
})();
`;
