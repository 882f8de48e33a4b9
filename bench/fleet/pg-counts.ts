import pg from 'pg';

/**
 * What the fleet asks of Postgres, counted at the pg client: every query a pg Client sends is one round trip
 * (Pool.query goes through Client.query), and a simple-protocol query may hold several statements (a batch's write
 * and its COMMIT), counted apart. The bench's own questions go through `uncounted` clients.
 */
export const counts = { roundTrips: 0, statements: 0, byPurpose: new Map<string, number>() };

/** What a query is for, from its text: the claim, a delivery's outbox work, replica liveness, or the run itself. */
function purpose(text: string | undefined): string {
  if (text === undefined) return 'other';
  if (/INSERT INTO prober_scheduled_runs/.test(text)) return 'claim';
  // The run's write (run, journey and step rows, series, alert state, outbox rows, the marker's removal).
  if (/json_to_recordset/.test(text)) return 'run';
  // The lease renewal, and the recovery pass looking for dead replicas' markers.
  if (/prober_replicas/.test(text) || /DELETE FROM prober_in_flight WHERE run_id IN/.test(text)) return 'liveness';
  if (/^\s*(SELECT|UPDATE)[\s\S]*prober_outbox/.test(text) && !/prober_runs/.test(text)) return 'delivery';
  return 'run';
}

const uncounted = new WeakSet<pg.Client>();
let installed = false;
/** FLEET_BENCH_SQL=1: every counted query's purpose and text on stderr, from the first reset on. */
let dumping = false;

/** Wraps Client.prototype.query once; every pool the store opens afterwards is counted. */
export function countQueries(): void {
  if (installed) return;
  installed = true;
  const original = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    if (!uncounted.has(this)) {
      counts.roundTrips++;
      const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text?: string } | undefined)?.text;
      counts.statements += text === undefined ? 1 : statementCount(text);
      const p = purpose(text);
      counts.byPurpose.set(p, (counts.byPurpose.get(p) ?? 0) + 1);
      if (dumping) process.stderr.write(`[${p}] ${text?.replace(/\s+/g, ' ').slice(0, 160)}\n`);
    }
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof original;
}

export function resetCounts(): void {
  dumping = process.env.FLEET_BENCH_SQL === '1';
  counts.roundTrips = 0;
  counts.statements = 0;
  counts.byPurpose.clear();
}

/** Statements in a query text: `;` outside string literals ('…' with '' inside, and E'…' with backslash escapes). */
export function statementCount(sql: string): number {
  let n = 0;
  let open: 'plain' | 'escaped' | undefined;
  let content = false;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i];
    if (open !== undefined) {
      if (open === 'escaped' && c === '\\') i++;
      else if (c === "'" && sql[i + 1] === "'") i++;
      else if (c === "'") open = undefined;
    } else if (c === "'") {
      open = /[eE]/.test(sql[i - 1] ?? '') ? 'escaped' : 'plain';
      content = true;
    } else if (c === ';') {
      if (content) n++;
      content = false;
    } else if (!/\s/.test(c ?? '')) content = true;
  }
  return n + (content ? 1 : 0);
}

/** A connected client whose queries are not the fleet's (the sampler, the history, the bench's questions). */
export async function uncountedClient(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  uncounted.add(client);
  await client.connect();
  return client;
}

/** One uncounted query on its own connection: its first row. */
export async function ask(url: string, text: string, params: unknown[] = []): Promise<Record<string, string>> {
  const client = await uncountedClient(url);
  try {
    return (await client.query<Record<string, string>>(text, params)).rows[0] ?? {};
  } finally {
    await client.end();
  }
}
