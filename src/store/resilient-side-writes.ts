import type { InFlightRun, RetentionPolicy } from './state-store.js';
import { ResilientReads } from './resilient-reads.js';
import type { StoreOperationName } from './store-faults.js';

/**
 * ResilientStore's writes that are never held: markers, pruning and quarantine copies matter only while the store
 * works (a marker is for a crash, a prune for space), so a failing store skips them and only counts the failure.
 */
export abstract class ResilientSideWrites extends ResilientReads {
  protected abstract failed(operation: StoreOperationName, err: unknown): void;

  /** Best effort: the unreadable state is logged by the caller either way, and the alert starts afresh. */
  async quarantineAlertState(key: string, reason: string): Promise<void> {
    this.known.delete(key);
    await this.inner.quarantineAlertState(key, reason).catch((err: unknown) => this.failed('save', err));
  }

  async prune(policy: RetentionPolicy, now?: Date): Promise<number> {
    if (this.failure !== undefined) return 0;
    try {
      return await this.inner.prune(policy, now);
    } catch (err) {
      this.failed('prune', err);
      return 0;
    }
  }

  async markInFlight(marker: InFlightRun): Promise<void> {
    // Markers only matter if this process dies; while the store fails they cannot be written anyway.
    if (this.failure !== undefined) return;
    await this.inner.markInFlight(marker).catch((err: unknown) => this.failed('in_flight', err));
  }

  async updateInFlight(runId: string, step: { name: string; service: string; timeoutMs: number }): Promise<void> {
    if (this.failure !== undefined) return;
    await this.inner.updateInFlight(runId, step).catch((err: unknown) => this.failed('in_flight', err));
  }

  async takeInFlight(): Promise<InFlightRun[]> {
    return this.inner.takeInFlight().catch((err: unknown) => {
      this.failed('in_flight', err);
      return [];
    });
  }
}
