import type { Level } from 'pino';
import { assembleProber, type AssembledProber } from '../assemble/assemble-prober.js';
import type { Recording } from '../assemble/recording.js';
import type { LoadedConfig } from '../config/load-config.js';
import type { ProberMetrics } from '../report/metrics.js';
import { browserSettings } from '../steps/browser-launcher.js';
import { daemonBrowserSession, type BrowserSession } from '../steps/browser-session.js';
import { LoopQuarantine, quarantineFile } from './loop-quarantine.js';
import { wireQuarantine, type QuarantineWiring } from './quarantine-wiring.js';
import { RunAborts } from './run-aborts.js';
import { planSchedule, type PlannedJourney } from './schedule-plan.js';

// What the daemon is made of, assembled in one phase through the composition root; daemon.ts starts it.

export interface DaemonOptions {
  /** `--store`: a path or a postgres:// URL; without it, the config's store. */
  store?: string | undefined;
  location?: string | undefined;
  logLevel?: Level | 'silent' | undefined;
  /** This replica's own address (`PROBER_PUBLIC_URL`, `server.publicUrl`), recorded in results for their artifacts. */
  artifactsUrl?: string | undefined;
  host: string;
  port: number;
  /** Where the startup table goes (stdout); logs go to stderr. */
  print: (text: string) => void;
}

/** What the daemon is made of once assembled; each start-up phase below takes what it needs from here. */
export interface Parts {
  loaded: LoadedConfig;
  prober: AssembledProber;
  recording: Recording;
  metrics: ProberMetrics;
  planned: PlannedJourney[];
  quarantine: LoopQuarantine;
  wiring: QuarantineWiring;
  session: BrowserSession;
  aborts: RunAborts;
  inFlight: Set<Promise<unknown>>;
  state: { stopping: boolean };
  /** A store shared by replicas (it can claim ticks). */
  fleet: boolean;
}

/** Assemble → restore what the last start left → schedule → serve → start the background work. */
/** The prober (metrics, the store that never stops probing, alerting over it) and the loop quarantine next to it. */
export async function assembleDaemon(loaded: LoadedConfig, options: DaemonOptions): Promise<Parts> {
  const { planned } = planSchedule(loaded);
  let wiring: QuarantineWiring | undefined;
  const prober = await assembleProber(loaded, {
    location: options.location,
    logLevel: options.logLevel,
    artifactsUrl: options.artifactsUrl,
    otlp: true,
    metrics: {
      known: planned.map((p) => ({
        journey: p.def.name,
        steps: p.def.steps,
        intervalSeconds: Number.isFinite(p.intervalMs) ? p.intervalMs / 1000 : undefined,
      })),
    },
    store: {
      flag: options.store,
      onOpenFailure: 'retry',
      delivery: 'background',
      quarantined: (journey) => wiring?.reason(journey),
      intervalMs: (journey) => planned.find((p) => p.def.name === journey)?.intervalMs,
    },
  });
  const { recording, metrics } = prober;
  if (recording === undefined || metrics === undefined) throw new Error('the daemon was assembled without a store');
  const { environment } = loaded.config;
  const quarantine = new LoopQuarantine(quarantineFile(recording.target, environment, prober.base.location), {
    environment,
    location: prober.base.location,
  });
  wiring = wireQuarantine(quarantine, { loaded, log: prober.log, registry: metrics.registry });
  return {
    loaded,
    prober,
    recording,
    metrics,
    planned,
    quarantine,
    wiring,
    // Chromium starts now (outside any journey's time) when a journey needs it; a context wait counts as tick lag.
    session: daemonBrowserSession(
      browserSettings(loaded.config.browser),
      planned.map((p) => p.def),
      (ms) => metrics.observeTickLag(ms / 1000),
    ),
    aborts: new RunAborts(),
    inFlight: new Set(),
    state: { stopping: false },
    fleet: recording.store.claimTick !== undefined,
  };
}
