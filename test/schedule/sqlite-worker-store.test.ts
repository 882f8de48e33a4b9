import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteWorkerStore } from '../../src/store/sqlite-worker-store.js';
import { runStoreContract } from '../store/run-store-contract.js';
import { sampleRun } from '../store/sample-run.js';
import { ROOT } from '../support/cli.js';
import { poll } from '../support/poll.js';

// The daemon's SQLite store runs on a thread of its own: the same contract as the in-thread store, and the same
// durability: a run whose save resolved is on disk even when the process is SIGKILLed right after.
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'prober-worker-store-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

runStoreContract('SQLite on its own thread', () => ({
  async fresh() {
    const path = join(tempDir(), 'state.db');
    return { store: await SqliteWorkerStore.open(path), reopen: async (o) => SqliteWorkerStore.open(path, o ?? {}) };
  },
  async corrupt(_store, runId, document) {
    const db = new Database(join(dirs.at(-1) ?? '', 'state.db'));
    db.prepare('UPDATE runs SET document = ? WHERE run_id = ?').run(document, runId);
    db.close();
  },
}));

describe('SqliteWorkerStore', () => {
  it('refuses a path it cannot open with the error, and says its thread is gone after close', async () => {
    const dir = tempDir();
    await expect(SqliteWorkerStore.open(join(dir, 'state.db', '\0bad'))).rejects.toThrow();
    const store = await SqliteWorkerStore.open(join(dir, 'ok.db'));
    await store.saveRun(sampleRun());
    await store.close();
    await expect(store.saveRun(sampleRun())).rejects.toThrow(/closed|exited/);
  });

  it("sends a run's step markers as one: every update resolves and the store keeps the last step", async () => {
    const store = await SqliteWorkerStore.open(join(tempDir(), 'state.db'));
    try {
      const base = { journey: 'j', environment: 'test', startedAt: new Date().toISOString() };
      const steps = ['login', 'chat.open', 'chat.reply'].map((name) => ({ name, service: 'backend', timeoutMs: 400 }));
      // Two runs' markers and updates in one turn, none awaited in between (as the daemon sends them).
      const writes = [
        store.markInFlight({ runId: 'a', ...base }),
        store.markInFlight({ runId: 'b', ...base }),
        ...steps.map((step) => store.updateInFlight('a', step)),
        store.updateInFlight('b', steps[0]!),
      ];
      expect(await Promise.all(writes)).toHaveLength(6);
      const left = await store.takeInFlight();
      expect(left.map((r) => [r.runId, r.step?.name])).toEqual([
        ['a', 'chat.reply'],
        ['b', 'login'],
      ]);
    } finally {
      await store.close();
    }
  });

  it('loses no run reported as recorded when the process is SIGKILLed mid-stream', async () => {
    const path = join(tempDir(), 'state.db');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(new URL('./sqlite-kill-child.ts', import.meta.url)), path],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise((resolve) => child.once('close', resolve));
    await poll('200 runs recorded', () => ((out.match(/^recorded /gm)?.length ?? 0) >= 200 ? true : undefined), {
      timeoutMs: 60_000,
      everyMs: 20,
    }).catch((e: unknown) => {
      child.kill('SIGKILL');
      throw new Error(`${String(e)}\n${err}`);
    });
    child.kill('SIGKILL');
    await exited;
    const reported = [...out.matchAll(/^recorded (\S+)$/gm)].map((m) => m[1]);
    const db = new Database(path, { readonly: true });
    const stored = new Set(db.prepare('SELECT run_id FROM runs').pluck().all() as string[]);
    db.close();
    expect(reported.length).toBeGreaterThanOrEqual(200);
    expect(reported.filter((id) => id !== undefined && !stored.has(id))).toEqual([]);
  });
});
