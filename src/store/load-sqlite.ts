import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';
import { ProberSetupError, setupError } from '../config/problems.js';
import { addonMismatchProblem } from './addon-mismatch.js';

export type SqliteDatabase = BetterSqlite3.Database;
export type SqliteStatement = BetterSqlite3.Statement;

let cached: typeof BetterSqlite3 | undefined;

/**
 * better-sqlite3 is loaded on first use and is an optional dependency: a store-less CI install
 * (`npm ci --omit=optional`) never compiles it, and `prober run` without `--store` never loads it. When it is
 * missing, the command that needs it says how to get it in one line.
 */
export function openSqlite(file: string): SqliteDatabase {
  if (cached === undefined) {
    try {
      cached = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;
    } catch (err) {
      if ((err as { code?: unknown }).code !== 'MODULE_NOT_FOUND') throw err;
      throw setupError(
        'better-sqlite3',
        'not installed: the state store (prober schedule, --store) and the sandbox need it',
        'run npm i better-sqlite3',
      );
    }
  }
  try {
    return new cached(file);
  } catch (err) {
    // The addon itself loads here, on first use: built for another Node, it is one line naming the fix.
    const mismatch = addonMismatchProblem(err, 'better-sqlite3', process.versions.node);
    throw mismatch === undefined ? err : new ProberSetupError([mismatch]);
  }
}

const caches = new WeakMap<SqliteDatabase, Map<string, SqliteStatement>>();

/** `db.prepare` once per connection and SQL text: preparing is most of the cost of a small statement run per step or per run. */
export function prepared(db: SqliteDatabase, sql: string): SqliteStatement {
  let statements = caches.get(db);
  if (statements === undefined) {
    statements = new Map();
    caches.set(db, statements);
  }
  let statement = statements.get(sql);
  if (statement === undefined) {
    statement = db.prepare(sql);
    statements.set(sql, statement);
  }
  return statement;
}

export function statementCache(db: SqliteDatabase): (sql: string) => SqliteStatement {
  return (sql) => prepared(db, sql);
}
