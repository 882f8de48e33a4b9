import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { poll } from '../support/poll.js';
import type { FleetReplicas } from './fleet-replicas.js';

export interface HookRequest {
  replica: number;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

/**
 * The scenario's signed webhook receiver (replica i posts to /hook/i). At the first delivery of each firing it
 * kills the sender exactly between the receiver's 200 and the commit of the outcome: it locks the outbox row
 * before it answers, waits until the sender's outcome write waits on that lock, SIGKILLs the sender and ends that
 * backend, so the write never lands (as when a process dies before its statement leaves).
 */
export class HoldingHook {
  readonly received: HookRequest[] = [];
  /** The webhook-ids whose first delivery was answered 200 and then never committed. */
  readonly heldIds = new Set<string>();
  private readonly server: Server;
  private readonly holds: Promise<void>[] = [];
  private readonly failures: unknown[] = [];
  url = '';

  constructor(
    private readonly databaseUrl: string,
    private readonly replicas: FleetReplicas,
  ) {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => this.answer(req.url ?? '', req.headers, Buffer.concat(chunks).toString('utf8'), res));
    });
  }

  async start(): Promise<void> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Every hold and its kill has finished (each is bounded). */
  async settled(): Promise<void> {
    await Promise.all(this.holds);
    if (this.failures.length > 0) throw this.failures[0];
  }

  close(): void {
    this.server.closeAllConnections();
    this.server.close();
  }

  /** The first request of each webhook-id (what a Standard Webhooks receiver keeps), in arrival order. */
  unique(): Map<string, { id: string; state: string }> {
    const byId = new Map<string, { id: string; state: string }>();
    for (const r of this.received) {
      const key = String(r.headers['webhook-id']);
      if (!byId.has(key)) byId.set(key, JSON.parse(r.body) as { id: string; state: string });
    }
    return byId;
  }

  private answer(path: string, headers: IncomingHttpHeaders, body: string, res: ServerResponse): void {
    const replica = Number(/\/hook\/(\d)/.exec(path)?.[1]);
    const id = String(headers['webhook-id']);
    this.received.push({ replica, headers, body, at: Date.now() });
    const firstFiring = (JSON.parse(body) as { state?: string }).state === 'firing' && !this.heldIds.has(id);
    if (!firstFiring || this.replicas.busy.has(replica)) return void res.writeHead(200).end('{}');
    this.heldIds.add(id);
    this.replicas.busy.add(replica);
    // Kept, not thrown here: settled() rethrows it inside the test.
    this.holds.push(this.hold(replica, id, res).catch((err: unknown) => void this.failures.push(err)));
  }

  private async hold(replica: number, id: string, res: ServerResponse): Promise<void> {
    const holder = new pg.Client({ connectionString: this.databaseUrl });
    let killing = false;
    try {
      await holder.connect();
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM prober_outbox WHERE id = $1 FOR UPDATE', [id]);
      res.writeHead(200).end('{}');
      const waiting = await waitingOutcomeWrite(holder);
      // Killing the sender must leave its location a prober: wait for its sibling (it cannot be killed meanwhile).
      await this.replicas.siblingSettled(replica);
      killing = true;
      await this.replicas.kill(replica, 'after-200', async () => {
        await holder.query('SELECT pg_terminate_backend($1)', [waiting]);
        await holder.query('ROLLBACK');
        await holder.end();
      });
    } finally {
      if (!killing) {
        this.replicas.busy.delete(replica);
        await holder.end().catch(() => undefined);
      }
    }
  }
}

/** The backend whose outbox write waits on this holder's row lock: the sender's outcome. */
async function waitingOutcomeWrite(holder: pg.Client): Promise<number> {
  let activity: unknown[] = [];
  return poll(
    'the outcome write waiting on the held outbox row',
    async () => {
      activity = (
        await holder.query(
          'SELECT pid, state, wait_event_type, wait_event, left(query, 120) AS q FROM pg_stat_activity WHERE datname = current_database()',
        )
      ).rows;
      // Blocked by this holder, which holds nothing but the row (another hold's or another scenario's waits are not
      // ours); the write may be a plain UPDATE or the outcome folded into a run's batch statement. The first to
      // queue is the sender's; a replica that takes the row over once the sender's lease ran out queues behind it.
      const { rows } = await holder.query<{ pid: number }>(
        'SELECT pid FROM pg_stat_activity WHERE pg_backend_pid() = ANY (pg_blocking_pids(pid)) ORDER BY query_start LIMIT 1',
      );
      return rows[0]?.pid;
    },
    { timeoutMs: 10_000, context: () => JSON.stringify(activity) },
  );
}
