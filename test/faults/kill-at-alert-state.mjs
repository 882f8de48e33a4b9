// Preloaded into a `prober schedule` process (NODE_OPTIONS=--import) by kill-between-run-and-alert.test.ts: the
// Nth execution of SQLite's `INSERT INTO alert_state` SIGKILLs the process on the spot. That is the moment between
// writing a run and writing the alert-state step it caused. A fault injected into the third-party driver, not a
// mock of the prober: the prober's own code runs unchanged.
import { writeSync } from 'node:fs';
import { createRequire } from 'node:module';

const killAt = Number(process.env.PROBER_TEST_KILL_AT_ALERT_STATE ?? '0');
const Database = createRequire(import.meta.url)('better-sqlite3');
const prepare = Database.prototype.prepare;
let calls = 0;
Database.prototype.prepare = function (sql) {
  const statement = prepare.call(this, sql);
  if (killAt > 0 && /^\s*INSERT INTO alert_state/i.test(sql)) {
    const run = statement.run;
    statement.run = function (...args) {
      if (++calls === killAt) {
        // Evidence for the test that the run row is already written inside this transaction when the kill lands.
        const pending = this.database.prepare('SELECT count(*) FROM runs').pluck().get();
        // writeSync: the daemon's store runs on a worker thread, whose process.stderr is flushed through the main one.
        writeSync(2, `kill-at-alert-state: SIGKILL with ${pending} runs visible inside the open transaction\n`);
        process.kill(process.pid, 'SIGKILL');
      }
      return run.apply(this, args);
    };
  }
  return statement;
};
