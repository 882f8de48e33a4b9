import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json } from '../alert/receiver.js';
import { RunResult } from '../../src/journey/result-schema.js';
import { hasStackTrace, ROOT, runCli } from '../support/cli.js';
import { targetArgs, waitFor } from '../schedule/daemon-process.js';
import { JOURNEY_ALERT, PROBER_ALERT, StoreFaultRig, storedRunIds } from './store-fault-harness.js';

// A store that cannot be opened never stops the judgement: `prober run` still runs the journeys, prints and
// writes the verdict, names the store and the reason in one line and exits 4; `prober schedule` probes and alerts
// through it and opens it once it can. Each fault is made for real: a read-only mount, garbage bytes, a directory,
// a schema from the future, and another process holding the lock.

const dir = mkdtempSync(join(tmpdir(), 'prober-store-open-'));
const ro = join(dir, 'ro');
const config = join(ROOT, 'test/fixtures/store-faults.ts');
let rig: StoreFaultRig;
let holder: ReturnType<typeof holdLock> | undefined;

beforeAll(async () => {
  rig = await new StoreFaultRig().start();
  mkdirSync(ro);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', ro]);
});
afterAll(async () => {
  holder?.child.kill('SIGKILL');
  await rig?.close();
  try {
    execFileSync('umount', [ro]);
  } catch {
    execFileSync('umount', ['-l', ro]);
  }
  rmSync(dir, { recursive: true, force: true });
});

function run(store: string, extra: string[] = []) {
  return runCli(['run', '--config', config, ...targetArgs(rig.sandbox), '--store', store, ...extra], {
    env: { SANDBOX_PASSWORD: rig.canary, ALERT_HOOK_URL: `${rig.receiver.url}/hook` },
  });
}

/** A rollback-journal database whose write lock another process holds (BEGIN EXCLUSIVE): no one can even read it. */
function holdLock(file: string) {
  const script = `
    const Database = require('better-sqlite3');
    const db = new Database(${JSON.stringify(file)});
    db.exec('CREATE TABLE IF NOT EXISTS t (x)');
    db.exec('BEGIN EXCLUSIVE');
    db.exec('INSERT INTO t VALUES (1)');
    process.stdout.write('locked\\n');
    setInterval(() => {}, 1000);
  `;
  const child = spawn(process.execPath, ['-e', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const locked = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => d.toString().includes('locked') && resolve());
    child.on('exit', (code) => reject(new Error(`lock holder exited with ${code} before locking`)));
  });
  return { child, locked, exited: once(child, 'exit') };
}

/** The one `prober:` line of a run's stderr (its log lines are the fixture's warnings). */
function proberLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.startsWith('prober:'));
}

const FAULTS: [name: string, make: () => Promise<string>, reason: RegExp][] = [
  [
    'on a read-only file system',
    async () => {
      const store = join(ro, 'state.db');
      expect((await run(store)).code).toBe(0); // a good store first, then its file system goes read-only
      execFileSync('mount', ['-o', 'remount,ro', ro]);
      return store;
    },
    /cannot be written \(read-only file system or no permission: EROFS\)/,
  ],
  [
    'corrupt',
    async () => {
      const store = join(dir, 'corrupt.db');
      writeFileSync(store, 'this is not a database '.repeat(200));
      return store;
    },
    /is not a SQLite database \(corrupt, or another kind of file\); move it aside .*SQLITE_NOTADB/,
  ],
  [
    'a directory',
    async () => {
      const store = join(dir, 'a-directory.db');
      mkdirSync(store);
      return store;
    },
    /it is a directory, not a database file \(SQLITE_CANTOPEN/,
  ],
  [
    'written by a newer prober',
    async () => {
      const store = join(dir, 'newer.db');
      const db = new Database(store);
      db.pragma('user_version = 999');
      db.close();
      return store;
    },
    /written by a newer prober \(schema 999, this prober knows \d+\)/,
  ],
  [
    'locked by another process',
    async () => {
      const store = join(dir, 'locked.db');
      holder = holdLock(store);
      await holder.locked;
      return store;
    },
    /locked by another process.*SQLITE_BUSY/,
  ],
];

// The daemon case mostly waits on its ticks and alerts: it runs beside the `prober run` and `prober report` cases,
// with a rig (sandbox, receiver) of its own, since it sets a fault the others must not see.
describe.concurrent('a store that cannot be opened', () => {
  describe('prober run and prober report', () => {
    describe.sequential('prober run with a store that cannot be opened', { timeout: 60_000 }, () => {
      it.each(FAULTS)(
        '%s: judges anyway, prints and writes the verdict, one line names the store, exit 4',
        async (_name, make, reason) => {
          const store = await make();
          const out = join(dir, `${Math.random().toString(36).slice(2)}.json`);
          const r = await run(store, ['--reporter', 'console', '--reporter', `json=${out}`]);
          expect(r.code, r.stderr).toBe(4);
          expect(r.stdout).toMatch(/^PASS {5}golden-path-api: Users can log in and chat$/m);
          expect(RunResult.parse(JSON.parse(readFileSync(out, 'utf8'))).status).toBe('pass');
          const lines = proberLines(r.stderr);
          expect(lines, r.stderr).toHaveLength(1);
          expect(lines[0]).toContain(`prober: store: cannot open the SQLite store at ${store}: `);
          expect(lines[0]).toMatch(reason);
          expect(lines[0]).toMatch(/the verdict is given but not stored$/);
          expect(r.stderr).not.toContain('internal error');
          expect(hasStackTrace(r.stderr)).toBe(false);
        },
      );
    });

    describe.sequential('prober report on a store it cannot read, or to a path it cannot write', {
      timeout: 60_000,
    }, () => {
      it('the locked store and the unwritable page are one line each naming the path and the cause, exit 2', async () => {
        const good = join(dir, 'good.db');
        expect((await run(good)).code).toBe(0);
        const locked = join(dir, 'locked.db'); // still held by the lock holder above
        const blocker = join(dir, 'a-file');
        writeFileSync(blocker, '');
        const [onLocked, unwritable] = await Promise.all([
          runCli(['report', '--store', locked, '--html', join(dir, 'page.html')]),
          runCli(['report', '--store', good, '--html', join(blocker, 'page.html')]),
        ]);
        expect(onLocked.code).toBe(2);
        expect(onLocked.stderr.trim().split('\n')).toEqual([
          expect.stringMatching(
            new RegExp(`^prober: store: cannot open the SQLite store at ${locked}: it is locked by another process`),
          ),
        ]);
        expect(unwritable.code).toBe(2);
        // mkdir says EEXIST for a file in the way (recursive), writeFile ENOTDIR: either names the path and the cause.
        expect(unwritable.stderr.trim().split('\n')).toEqual([
          expect.stringMatching(
            new RegExp(
              `^prober: --html: cannot write the status page to ${join(blocker, 'page.html')}: (EEXIST|ENOTDIR): `,
            ),
          ),
        ]);
      });
    });
  });

  describe('prober schedule with a store that cannot be opened', { timeout: 90_000 }, () => {
    let rig: StoreFaultRig;
    beforeAll(async () => {
      rig = await new StoreFaultRig().start();
    });
    afterAll(async () => {
      await rig?.close();
    });
    it('probes and alerts through it (/healthz 503, prober: alert), opens it once it can and writes what it held', async () => {
      const store = join(dir, 'schedule.db');
      mkdirSync(store); // a directory where the store should be
      await rig.startDaemon(store);
      const failing = await waitFor('/healthz 503', async () => {
        const h = await rig.healthz();
        return h.status === 503 ? h : undefined;
      });
      expect(failing.body.store?.error).toMatch(new RegExp(`^cannot open the SQLite store at ${store}: .*directory`));
      await waitFor('two runs', async () => ((await rig.runs()) >= 2 ? true : undefined), 20_000);
      rig.sandbox.faults.set('chat.reply=empty');
      expect(json(await rig.waitForNotification(PROBER_ALERT, 'firing')).verdict).toContain('state store is failing');
      await rig.waitForNotification(JOURNEY_ALERT, 'firing');

      rig.sandbox.faults.clear();
      rmdirSync(store); // the operator fixes it: the next attempt opens a new store there
      await waitFor('/healthz 200', async () => ((await rig.healthz()).status === 200 ? true : undefined), 30_000);
      await rig.waitForNotification(PROBER_ALERT, 'resolved', 20_000);
      expect((await rig.daemon!.stop('SIGTERM')).code).toBe(0);
      const stored = storedRunIds(store);
      const logged = rig.loggedRunIds();
      expect(logged.length).toBeGreaterThanOrEqual(3);
      expect(
        logged.filter((id) => stored.get(id) !== 1),
        'runs logged but not stored exactly once',
      ).toEqual([]);
      expect(rig.notifications(PROBER_ALERT, 'firing')).toHaveLength(1);
    });
  });
});
