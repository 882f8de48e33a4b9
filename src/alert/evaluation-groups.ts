import type { RunResult } from '../journey/result-schema.js';
import type { AlertStateRecord, StateStore } from '../store/state-store.js';
import { type AlertBatch, type AlertReader, newBatch } from './alert-batch.js';
import { journeyAlertKey, proberAlertKey, type AlertEvent } from './notification.js';
import { type EvaluationContext, evaluateJourneys, evaluateProber } from './run-evaluation.js';

export interface GroupHooks {
  store: () => Pick<StateStore, 'getAlertState' | 'quarantineAlertState'>;
  /** The pipeline's evaluation context over a reader, at the time of the call. */
  context: (reader: AlertReader) => EvaluationContext;
  /** Writes one batch and the runs with it, in one transaction. */
  commit: (batch: AlertBatch, runs: readonly RunResult[]) => Promise<void>;
  /** The pipeline's one lane (a process alone on its store): a group runs in it like any other call. */
  serial: (work: () => Promise<void>) => Promise<void>;
}

interface Queued {
  result: RunResult;
  record: boolean;
  resolve: (events: AlertEvent[]) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit for a process alone on its store. Evaluating one run at a time cost three store round trips per run
 * (the journey's state, `prober:<env>`, the write), each a turn of a busy event loop and of the store's thread, in
 * one lane: at a few hundred runs a second runs waited seconds for their turn (their next tick found them still
 * going). Now every run that finished while the lane was busy is evaluated in the next group, in arrival order,
 * against states read once for the whole group (in parallel, one store message), and the group is written in ONE
 * transaction (runs, alert states, notifications), after which each run's promise settles. The semantics are the
 * serial ones: each run continues from the state the one before it left (the batch carries the newest state per
 * key), a run's evaluation that throws is dropped alone (the others are written; its run is still recorded by the
 * store sink), and nothing resolves before the transaction holding it has been committed.
 */
export class EvaluationGroups {
  private readonly queued: Queued[] = [];
  private scheduled = false;

  constructor(private readonly hooks: GroupHooks) {}

  add(result: RunResult, record: boolean): Promise<AlertEvent[]> {
    return new Promise((resolve, reject) => {
      this.queued.push({ result, record, resolve, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      // Never rejects: each call's outcome goes to its own promise.
      void this.hooks.serial(() => this.drain());
    });
  }

  private async drain(): Promise<void> {
    this.scheduled = false;
    const items = this.queued.splice(0);
    const reader = await this.prefetch(items.map((i) => i.result));
    let group = newBatch();
    const runs: RunResult[] = [];
    const done: [Queued, AlertEvent[]][] = [];
    for (const item of items) {
      // Its own copy of the group's states: an evaluation that throws half-way leaves the group as it was.
      const batch: AlertBatch = { states: new Map(group.states), outbox: [...group.outbox] };
      try {
        const ctx = this.hooks.context(reader);
        const { events, prober } = await evaluateJourneys(item.result, ctx, batch);
        events.push(...(await evaluateProber(item.result.environment, prober, ctx, batch)));
        group = batch;
        if (item.record) runs.push(item.result);
        done.push([item, events]);
      } catch (err) {
        item.reject(err);
      }
    }
    try {
      await this.hooks.commit(group, runs);
    } catch (err) {
      for (const [item] of done) item.reject(err);
      return;
    }
    for (const [item, events] of done) item.resolve(events);
  }

  /** Every key the group will read, read at once; a key that could not be read is read again when needed. */
  private async prefetch(results: readonly RunResult[]): Promise<AlertReader> {
    const store = this.hooks.store();
    const keys = new Set<string>();
    for (const r of results) {
      for (const j of r.journeys) keys.add(journeyAlertKey(r.environment, j.journey));
      keys.add(proberAlertKey(r.environment));
    }
    const read = new Map<string, AlertStateRecord | undefined>();
    await Promise.all(
      [...keys].map((key) =>
        store.getAlertState(key).then(
          (state) => void read.set(key, state),
          () => undefined,
        ),
      ),
    );
    return {
      getAlertState: async (key) => (read.has(key) ? read.get(key) : store.getAlertState(key)),
      quarantineAlertState: (key, reason) => store.quarantineAlertState(key, reason),
    };
  }
}
