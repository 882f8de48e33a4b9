import { AsyncLocalStorage } from 'node:async_hooks';
import { installWire } from '../wire/install-wire.js';
import type { StepWire } from '../wire/step-wire.js';
import { oneLine } from './classify-failure.js';

/**
 * Probe code runs inside the prober's process, so a bug in it (an unhandled rejection, a throw from a timer, a
 * `process.exit`) would otherwise take the whole prober down or fake its outcome. Every callback a probe schedules
 * inherits the async context of the step that scheduled it, so an `AsyncLocalStorage` scope set around the probe
 * tells, for any fault the process sees, which journey caused it.
 */
export interface ProbeScope {
  /** What the fault is attributed to, e.g. `journey golden-path-api` or `probes/x.ts (while loading)`. */
  readonly owner: string;
  /** The journey running this code, when it is a journey (not a file being loaded). */
  readonly journey?: string;
  /**
   * Ends whatever this scope is running as a prober error with this message (called at most once per fault).
   * `thrown` is what escaped: a library's unhandled `error` event (a pg client whose server went away) is judged as
   * the step's error, not as a probe bug, when its code, its shape or the wire explains it.
   */
  fault(message: string, thrown?: unknown): void;
  /** The step this code runs for, when the wire is observed: what its sockets and requests are attributed to. */
  readonly wire?: StepWire | undefined;
}

const probes = new AsyncLocalStorage<ProbeScope>();

/**
 * Runs `fn` (and everything it schedules) attributed to `scope`. Only once the guards are installed (the CLI and the
 * daemon install them): before that nothing reads the scope, and on Node 20 entering an `AsyncLocalStorage` turns on
 * promise hooks that every promise in the process then pays for (the programmatic API's warm runs among them).
 */
export function runInProbeScope<T>(scope: ProbeScope, fn: () => T): T {
  return installed ? probes.run(scope, fn) : fn();
}

export function currentProbeScope(): ProbeScope | undefined {
  return probes.getStore();
}

/**
 * A fault of a journey's code (an uncaught exception, an unhandled rejection) while its step ran: `message` says so
 * as a probe bug, `thrown` is what escaped, for the step's classification to judge first.
 */
export class ProbeFault extends Error {
  readonly code = 'PROBER_PROBE_FAULT';
  constructor(
    message: string,
    readonly thrown: unknown,
  ) {
    super(message);
    this.name = 'ProbeFault';
  }
}

export function isProbeFault(err: unknown): err is ProbeFault {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'PROBER_PROBE_FAULT';
}

/**
 * Thrown from `process.exit` called by probe code: the probe's own code stops there, the fault is already recorded.
 * Recognised by `code`, as the other prober errors are.
 */
export class ProbeExitRefused extends Error {
  readonly code = 'PROBER_PROBE_EXIT';
  constructor(exitCode: unknown) {
    super(`process.exit(${exitCode === undefined ? '' : String(exitCode)}) is not allowed in a probe`);
    this.name = 'ProbeExitRefused';
  }
}

function isProbeExitRefused(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'PROBER_PROBE_EXIT';
}

/** `Error: boom` from anything thrown: the name and the first line only, never a stack (it holds transpiled source). */
export function describeThrown(value: unknown): string {
  if (value instanceof Error || (typeof value === 'object' && value !== null && 'message' in value)) {
    const e = value as { name?: unknown; message?: unknown };
    const name = typeof e.name === 'string' ? e.name : 'Error';
    const message = typeof e.message === 'string' ? (e.message.split('\n')[0] ?? '') : '';
    return oneLine(`${name}: ${message}`);
  }
  return oneLine(`a non-error value (${typeof value}): ${String(value)}`);
}

export type StrayFault = (what: string, err: unknown) => void;

let installed = false;
const realExit = process.exit.bind(process);

/** The prober's own way out, past the guard that refuses `process.exit` to probe code (e.g. the loop watchdog's). */
export function exitProber(code: number): never {
  return realExit(code);
}

/**
 * Installs the process-wide guards once: faults inside a probe scope go to that scope; anything else (a bug in
 * the prober itself) goes to `onStray`. `process.exit` from probe code is refused (it would end a CI job with
 * the probe's code, e.g. 0, a false pass); the prober's own calls pass through.
 */
export function installProbeContainment(onStray: StrayFault): void {
  if (installed) return;
  installed = true;
  // The same store tells the wire observation which step a socket belongs to: no second AsyncLocalStorage.
  installWire(() => probes.getStore()?.wire?.owner());
  const route = (what: string, err: unknown) => {
    const scope = probes.getStore();
    if (scope === undefined) return onStray(what, err);
    // The refused exit already faulted the scope; its throw escaping a timer is not a second fault.
    if (isProbeExitRefused(err)) return;
    scope.fault(`probe bug in ${scope.owner}: ${what}: ${describeThrown(err)}`, err);
  };
  process.on('uncaughtException', (err) => route('uncaught exception', err));
  process.on('unhandledRejection', (reason) => route('unhandled rejection', reason));
  process.exit = function exit(code?: string | number | null): never {
    const scope = probes.getStore();
    if (scope === undefined) return realExit(code);
    scope.fault(
      `probe bug in ${scope.owner}: the probe called process.exit(${code === undefined ? '' : String(code)}), which a probe may not do`,
    );
    throw new ProbeExitRefused(code);
  } as typeof process.exit;
}
