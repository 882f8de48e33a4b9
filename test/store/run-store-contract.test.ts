import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { PostgresRunStore } from '../../src/store/postgres-run-store.js';
import { SqliteRunStore } from '../../src/store/sqlite-run-store.js';
import { startPostgres, type PostgresServer } from '../support/postgres-server.js';
import { runStoreContract } from './run-store-contract.js';

const dirs: string[] = [];
let server: PostgresServer | undefined;
/** The database of the newest Postgres fixture (each test uses its own). */
let lastUrl = '';

beforeAll(async () => {
  server = await startPostgres();
}, 60_000);
afterAll(async () => {
  await server?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

runStoreContract('SQLite', () => ({
  async fresh() {
    const dir = mkdtempSync(join(tmpdir(), 'prober-contract-'));
    dirs.push(dir);
    const path = join(dir, 'state.db');
    return { store: new SqliteRunStore(path), reopen: async (o) => new SqliteRunStore(path, o ?? {}) };
  },
  async corrupt(_store, runId, document) {
    // Another connection, as a hand edit would be; WAL lets it write while the store is open.
    const file = dirs.at(-1)!;
    const db = new Database(join(file, 'state.db'));
    db.prepare('UPDATE runs SET document = ? WHERE run_id = ?').run(document, runId);
    db.close();
  },
}));

runStoreContract('Postgres 15 (real server on loopback)', () => ({
  async fresh() {
    const url = server!.url(await server!.createDatabase('contract'));
    lastUrl = url;
    const store = await PostgresRunStore.open(url);
    return { store, reopen: async (o) => PostgresRunStore.open(url, o ?? {}) };
  },
  async corrupt(_store, runId, document) {
    const client = new pg.Client({ connectionString: lastUrl });
    await client.connect();
    await client.query('UPDATE prober_runs SET document = $1 WHERE run_id = $2', [document, runId]);
    await client.end();
  },
}));
