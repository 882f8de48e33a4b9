import { formatFault, parseFault, type FaultSpec } from './fault-catalog.js';

export interface FaultController {
  set(spec: string): void;
  clear(step?: string): void;
  /** Active faults as "STEP=EFFECT" (with ":MS" for slow). */
  list(): string[];
}

/** Reacts to a fault change; may return a promise when the change needs I/O (re-binding a port). */
export type FaultChangeListener = () => Promise<void> | void;

/**
 * Active faults, one per step. Handlers read it on every request, so a change applies to the
 * next request without restarting anything. `set` and `clear` stay synchronous (the public
 * contract); listeners that need I/O report completion through `settled()`.
 */
export class FaultStore implements FaultController {
  readonly #faults = new Map<string, FaultSpec>();
  readonly #listeners: FaultChangeListener[] = [];
  #pending: Promise<void> = Promise.resolve();

  set(spec: string): void {
    const fault = parseFault(spec);
    this.#faults.set(fault.step, fault);
    this.#changed();
  }

  clear(step?: string): void {
    if (step === undefined) this.#faults.clear();
    else this.#faults.delete(step);
    this.#changed();
  }

  list(): string[] {
    return [...this.#faults.values()].map(formatFault);
  }

  /** The active fault of `step` without counting a use (for reconciling ports, not for serving a request). */
  peek(step: string): FaultSpec | undefined {
    return this.#faults.get(step);
  }

  /** The fault to apply to one request of `step`; a `#N` fault counts this request and clears itself after N. */
  get(step: string): FaultSpec | undefined {
    const fault = this.#faults.get(step);
    if (fault?.times === undefined) return fault;
    if (fault.times <= 1) {
      this.#faults.delete(step);
      this.#changed();
    } else {
      this.#faults.set(step, { ...fault, times: fault.times - 1 });
    }
    return fault;
  }

  onChange(listener: FaultChangeListener): void {
    this.#listeners.push(listener);
  }

  /** Resolves once every listener reaction to earlier changes has finished. */
  settled(): Promise<void> {
    return this.#pending;
  }

  #changed(): void {
    // Chained so reactions run in order; each listener reconciles to the current state, so a
    // burst of changes (refuse, clear, refuse) ends in the state of the last one.
    this.#pending = this.#pending
      .then(() => Promise.all(this.#listeners.map((listener) => listener())))
      .then(
        () => undefined,
        () => undefined,
      );
  }
}
