import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimOutbox } from '../../src/store/postgres-fleet.js';
import { PostgresRunStore } from '../../src/store/postgres-run-store.js';
import { ResilientStore } from '../../src/store/resilient-store.js';
import { startPostgres, type PostgresServer } from '../support/postgres-server.js';
import { sampleRun } from './sample-run.js';

let server: PostgresServer;
const stores: PostgresRunStore[] = [];
beforeAll(async () => {
  server = await startPostgres();
}, 60_000);
afterAll(async () => {
  for (const s of stores) await s.close();
  await server?.stop();
});

async function replicas(n: number): Promise<{ url: string; stores: PostgresRunStore[] }> {
  const url = server.url(await server.createDatabase('claims'));
  const opened = await Promise.all(Array.from({ length: n }, () => PostgresRunStore.open(url)));
  stores.push(...opened);
  return { url, stores: opened };
}

describe('Postgres fleet claims', () => {
  it('three replicas racing for the same 60 ticks: each tick is won by exactly one, per location', async () => {
    const {
      stores: [a, b, c],
    } = await replicas(3);
    const slots = Array.from({ length: 60 }, (_, i) => 1_700_000_000_000 + i * 2_000);
    const wins = new Map<string, number>();
    await Promise.all(
      slots.flatMap((slotMs) =>
        ['eu', 'us'].flatMap((location) =>
          [a!, b!, c!].map(async (store, i) => {
            const won = await store.claimTick({
              environment: 'staging',
              location,
              journey: 'login',
              slotMs,
              runId: `r-${location}-${slotMs}-${i}`,
            });
            if (won) wins.set(`${location}/${slotMs}`, (wins.get(`${location}/${slotMs}`) ?? 0) + 1);
          }),
        ),
      ),
    );
    expect(wins.size).toBe(120);
    expect([...wins.values()].every((n) => n === 1)).toBe(true);
    // A late replica (its timer fired after the others ran the tick) never gets the slot again.
    expect(
      await a!.claimTick({
        environment: 'staging',
        location: 'eu',
        journey: 'login',
        slotMs: slots[0]!,
        runId: 'late',
      }),
    ).toBe(false);
  });

  it('a replica gone right after its claim (before the run marked itself) still leaves that run to be recorded', async () => {
    const {
      stores: [a, b],
    } = await replicas(2);
    const tick = { environment: 'staging', location: 'eu', journey: 'login', slotMs: 1_700_000_000_000, runId: 'cut' };
    expect(await a!.claimTick(tick)).toBe(true);
    expect(await b!.takeInFlight()).toEqual([]); // its owner is alive: not another replica's to take
    await a!.close(); // the lease ends, as a SIGKILLed replica's lease runs out
    stores.splice(stores.indexOf(a!), 1);
    const taken = await b!.takeInFlight();
    expect(taken.map((r) => [r.runId, r.journey, r.environment, r.location])).toEqual([
      ['cut', 'login', 'staging', 'eu'],
    ]);
    expect(await b!.takeInFlight()).toEqual([]); // taken once
  });

  it("an outbox row is leased to one replica at a time; an expired lease is taken over; a delivered row is nobody's", async () => {
    const {
      url,
      stores: [a, b],
    } = await replicas(2);
    await a!.putAlertState('staging:login', { phase: 'firing' }, [
      { id: 'd1', channel: 'hook', alertKey: 'staging:login', payload: { id: 'd1' }, createdMs: 1, nextAttemptMs: 1 },
    ]);
    expect(await a!.claimOutbox('d1', 60_000)).toBe(true);
    expect(await b!.claimOutbox('d1', 60_000)).toBe(false);
    expect(await a!.claimOutbox('d1', 60_000)).toBe(true); // the holder may retry under its own lease
    // A dies mid-attempt: once its lease has run out, B takes the same row (same id → same webhook-id).
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    try {
      expect(await claimOutbox(pool, b!.owner, 'd1', 60_000, Date.now() + 61_000)).toBe(true);
    } finally {
      await pool.end();
    }
    expect(await a!.claimOutbox('d1', 60_000)).toBe(false);
    await b!.updateOutbox('d1', { attempts: 1, nextAttemptMs: 1, deliveredMs: Date.now() });
    expect(await b!.claimOutbox('d1', 60_000)).toBe(false);
  });

  it('alert keys are locked one by one: another key never waits, the same key waits, and a lock not had in time is "not now", never unlocked', async () => {
    const {
      url,
      stores: [a, b],
    } = await replicas(2);
    const order: string[] = [];
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const first = a!.withAlertLocks(['staging:login'], async () => {
      order.push('a:in');
      await gate;
      order.push('a:out');
    });
    await waitUntil(() => order.includes('a:in'));
    // Another journey's key: runs at once while A holds login.
    const other = await b!.withAlertLocks(['staging:chat'], async () => order.push('b:chat'));
    expect(other.locked).toBe(true);
    expect(order).toEqual(['a:in', 'b:chat']);
    // The same key: B waits in Postgres (an ungranted advisory lock), then runs after A's commit.
    const second = b!.withAlertLocks(['staging:login'], async () => order.push('b:login'));
    const probe = new pg.Client({ connectionString: url });
    await probe.connect();
    try {
      await waitUntil(
        async () =>
          Number(
            (await probe.query("SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"))
              .rows[0].n,
          ) === 1,
      );
    } finally {
      await probe.end();
    }
    expect(order).toEqual(['a:in', 'b:chat']);
    open();
    await first;
    expect(await second).toEqual({ locked: true, value: 4 });
    expect(order).toEqual(['a:in', 'b:chat', 'a:out', 'b:login']);
  });

  it('a key held past the wait bound: the work does not run at all', async () => {
    const url = server.url(await server.createDatabase('claims'));
    const [a, b] = await Promise.all([
      PostgresRunStore.open(url),
      PostgresRunStore.open(url, { alertLockWaitMs: 200 }),
    ]);
    stores.push(a, b);
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    let inside = false;
    const first = a.withAlertLocks(['staging:login'], async () => {
      inside = true;
      await gate;
    });
    await waitUntil(() => inside);
    let ran = false;
    expect(await b.withAlertLocks(['staging:login'], async () => (ran = true))).toEqual({ locked: false });
    expect(ran).toBe(false);
    open();
    await first;
    // Written inside the lock: committed with it (one transaction), visible to the other replica.
    await b.withAlertLocks(['staging:login'], async (scope) =>
      scope.write({ alertStates: [{ key: 'staging:login', state: { n: 1 }, updatedAt: new Date().toISOString() }] }),
    );
    expect((await a.getAlertState('staging:login'))?.state).toEqual({ n: 1 });
  });

  it("a run written in the alert lock's transaction is not written again: the store sink's write after it sends nothing", async () => {
    const {
      stores: [inner],
    } = await replicas(1);
    const store = new ResilientStore(inner!, { label: 'claims', log: pino({ level: 'silent' }) });
    const run = sampleRun({ journey: 'login' });
    const done = await store.withAlertLocks!(['staging:login'], async (scope) => scope.write({ runs: [run] }));
    expect(done.locked).toBe(true);
    // Round trips counted at the pg client (the driver's own method, wrapped for the two writes only).
    let queries = 0;
    const query = pg.Client.prototype.query;
    pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
      queries++;
      return (query as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof query;
    try {
      expect(await store.commitOrHold({ runs: [run] })).toBe(true);
      expect(queries).toBe(0);
      // A run the lock did not write still goes to the store: the count is of real writes.
      expect(await store.commitOrHold({ runs: [sampleRun({ journey: 'login' })] })).toBe(true);
      expect(queries).toBe(1);
    } finally {
      pg.Client.prototype.query = query;
    }
    expect((await inner!.listRuns({ journey: 'login', limit: 5 })).map((r) => r.runId)).toContain(run.runId);
  });
});

async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
