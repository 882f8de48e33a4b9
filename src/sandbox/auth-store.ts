import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';
import { createHash, randomUUID, scrypt, scryptSync, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The auth service's own database. Table names mirror the incident: the auth service owns
 * auth_users / auth_sessions; nothing here is called user_sessions, which is the backend's
 * (in-memory) concern.
 */
const SCHEMA = `
CREATE TABLE auth_users (
  id TEXT PRIMARY KEY, email TEXT NOT NULL UNIQUE, password_hash TEXT NOT NULL, created_at TEXT NOT NULL
);
CREATE TABLE auth_sessions (
  id TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES auth_users(id), refresh_token_hash TEXT NOT NULL,
  created_at TEXT NOT NULL, expires_at TEXT NOT NULL, revoked_at TEXT
);
CREATE TABLE auth_audit_logs (
  id INTEGER PRIMARY KEY AUTOINCREMENT, user_id TEXT, event TEXT NOT NULL, request_id TEXT, created_at TEXT NOT NULL
);
CREATE TABLE password_reset_tokens (
  id TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES auth_users(id), token_hash TEXT NOT NULL,
  expires_at TEXT NOT NULL, used_at TEXT
);
`;

const KEY_LENGTH = 32;

export interface AuthUser {
  id: string;
  email: string;
}

/**
 * better-sqlite3 is an optional dependency, loaded here by the sandbox itself (it shares no prober code). Missing,
 * it is one setup line (recognised by its code, as the CLI recognises every setup problem), never a stack trace.
 */
function loadSqlite(): typeof BetterSqlite3 {
  try {
    return createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;
  } catch (err) {
    if ((err as { code?: unknown }).code !== 'MODULE_NOT_FOUND') throw err;
    // The shape of a prober setup problem, spelled here: the sandbox imports nothing of the prober's.
    const problem = {
      path: 'better-sqlite3',
      message: 'not installed: the sandbox needs it',
      hint: 'run npm i better-sqlite3',
    };
    throw Object.assign(new Error(`${problem.path}: ${problem.message}; ${problem.hint}`), {
      code: 'PROBER_SETUP',
      problems: [{ ...problem, severity: 'error' }],
    });
  }
}

export class AuthStore {
  readonly #db: BetterSqlite3.Database;
  // Compared against when the email is unknown, so a miss costs the same scrypt as a hit.
  readonly #decoyHash = hashPasswordSync('decoy-password');

  constructor() {
    this.#db = new (loadSqlite())(':memory:');
    this.#db.exec(SCHEMA);
  }

  tables(): string[] {
    const rows = this.#db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
      .all() as { name: string }[];
    return rows.map((row) => row.name);
  }

  addUser(email: string, password: string): void {
    this.#db
      .prepare('INSERT INTO auth_users (id, email, password_hash, created_at) VALUES (?, ?, ?, ?)')
      .run(randomUUID(), email.toLowerCase(), hashPasswordSync(password), new Date().toISOString());
  }

  async verifyCredentials(email: string, password: string): Promise<AuthUser | undefined> {
    const row = this.#db
      .prepare('SELECT id, email, password_hash FROM auth_users WHERE email = ?')
      .get(email.toLowerCase()) as { id: string; email: string; password_hash: string } | undefined;
    const ok = await verifyPassword(password, row?.password_hash ?? this.#decoyHash);
    return ok && row !== undefined ? { id: row.id, email: row.email } : undefined;
  }

  createSession(userId: string, refreshToken: string, ttlSec: number): string {
    const id = randomUUID();
    const now = Date.now();
    this.#db
      .prepare(
        'INSERT INTO auth_sessions (id, user_id, refresh_token_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?)',
      )
      .run(id, userId, sha256(refreshToken), new Date(now).toISOString(), new Date(now + ttlSec * 1000).toISOString());
    return id;
  }

  isSessionActive(sessionId: string): boolean {
    const row = this.#db.prepare('SELECT revoked_at FROM auth_sessions WHERE id = ?').get(sessionId) as
      | { revoked_at: string | null }
      | undefined;
    return row !== undefined && row.revoked_at === null;
  }

  revokeSession(sessionId: string): void {
    this.#db
      .prepare('UPDATE auth_sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL')
      .run(new Date().toISOString(), sessionId);
  }

  audit(event: string, userId: string | undefined, requestId: string | undefined): void {
    this.#db
      .prepare('INSERT INTO auth_audit_logs (user_id, event, request_id, created_at) VALUES (?, ?, ?, ?)')
      .run(userId ?? null, event, requestId ?? null, new Date().toISOString());
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }
}

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

function hashPasswordSync(password: string): string {
  const salt = randomBytes(16);
  return `scrypt$${salt.toString('base64')}$${scryptSync(password, salt, KEY_LENGTH).toString('base64')}`;
}

async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, saltText, hashText] = stored.split('$');
  if (scheme !== 'scrypt' || saltText === undefined || hashText === undefined) return false;
  const expected = Buffer.from(hashText, 'base64');
  const actual = await new Promise<Buffer>((resolve, reject) =>
    scrypt(password, Buffer.from(saltText, 'base64'), expected.length, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
  return timingSafeEqual(actual, expected);
}
