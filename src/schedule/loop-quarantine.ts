import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import type { JourneyDefinition } from '../journey/define.js';
import { type ProberSetupError, setupError } from '../config/problems.js';
import type { RunResult } from '../journey/result-schema.js';
import { interruptedRunResult } from './interrupted-run.js';
import { journeyFingerprint } from './journey-fingerprint.js';

/** One journey that blocked the daemon's event loop, as the blocked thread wrote it down just before the exit. */
const BlockedJourney = z
  .object({
    journey: z.string().min(1),
    /** The run it blocked: recorded once, as `error`/`prober`, by the next start (`recorded` then turns true). */
    runId: z.string().min(1),
    environment: z.string(),
    location: z.string().optional(),
    startedAt: z.iso.datetime(),
    step: z.object({ name: z.string(), service: z.string(), timeoutMs: z.number().int().min(1) }).optional(),
    stalledMs: z.number().int().min(0),
    blockedAt: z.iso.datetime(),
    /** The journey's code when it blocked; other code (its source changed) lifts the quarantine at the next start. */
    fingerprint: z.string().min(1),
    recorded: z.boolean(),
  })
  .strict();
export type BlockedJourney = z.infer<typeof BlockedJourney>;

const QuarantineFile = z
  .object({ schema: z.literal('prober.quarantine/v1'), journeys: z.array(BlockedJourney) })
  .strict();

interface Running {
  runId: string;
  startedAt: string;
  step?: { name: string; service: string; timeoutMs: number } | undefined;
}

/**
 * The journeys whose code blocked the daemon's event loop. Nothing can stop a synchronous loop inside the daemon
 * (loop-watchdog.ts), so the daemon exits and its supervisor restarts it; this file is what makes the restart
 * useful: the blocked thread writes the entry synchronously (it still can, from the watchdog's interrupt), and the
 * next start records the blocked run once, leaves that journey unscheduled, turns `/healthz` 503 and keeps the
 * `prober:` alert open, while every other journey keeps its schedule. The entry is lifted when the journey's code
 * changes, or when an operator deletes it (the file is plain JSON).
 */
export class LoopQuarantine {
  private entries: BlockedJourney[] = [];
  private readonly running = new Map<string, Running>();
  private readonly fingerprints = new Map<string, string>();

  constructor(
    readonly file: string,
    private readonly context: { environment: string; location?: string | undefined },
  ) {}

  /**
   * At start: reads the file and lifts the entries whose journey is gone or whose code changed (returned, for the
   * log). What stays is held: `holds(journey)` is true for it until the next start.
   */
  load(journeys: readonly JourneyDefinition[]): { held: BlockedJourney[]; lifted: BlockedJourney[] } {
    for (const def of journeys) this.fingerprints.set(def.name, journeyFingerprint(def));
    const all = readEntries(this.file);
    const lifted = all.filter((e) => this.fingerprints.get(e.journey) !== e.fingerprint);
    this.entries = all.filter((e) => !lifted.includes(e));
    if (lifted.length > 0) this.write();
    return { held: [...this.entries], lifted };
  }

  holds(journey: string): boolean {
    return this.entries.some((e) => e.journey === journey);
  }

  held(): readonly BlockedJourney[] {
    return this.entries;
  }

  /** True for a run recorded here (its in-flight marker must not also become an `aborted` run). */
  owns(runId: string): boolean {
    return this.entries.some((e) => e.runId === runId);
  }

  /** The message the run, the alert and `/healthz` carry. */
  static describe(e: Pick<BlockedJourney, 'journey' | 'stalledMs' | 'step'>): string {
    const where = e.step === undefined ? '' : ` in step ${e.step.name}`;
    return `probe bug in journey ${e.journey}: its code blocked the event loop for over ${e.stalledMs} ms${where} (a synchronous loop?); the journey is quarantined (not run) until its code changes or an operator clears it`;
  }

  /** The blocked runs not recorded yet, as results (`error`/`prober` at the step they were in). */
  unrecorded(journeys: readonly JourneyDefinition[]): RunResult[] {
    return this.entries
      .filter((e) => !e.recorded)
      .map((e) => {
        const def = journeys.find((j) => j.name === e.journey);
        const marker = { ...e, ...(e.location === undefined ? {} : { location: e.location }) };
        const result = interruptedRunResult(marker, def, new Date(e.blockedAt), {
          category: 'prober',
          message: LoopQuarantine.describe(e),
        });
        return { ...result, ...(e.location === undefined ? {} : { location: e.location }) };
      });
  }

  /** Called once the run is in the store and the alerting: the next start does not record it again. */
  markRecorded(runId: string): void {
    for (const e of this.entries) if (e.runId === runId) e.recorded = true;
    this.write();
  }

  /** The scheduler reports each step as it starts, so a block can be pinned on the run and step it hit. */
  stepStarted(journey: string, runId: string, step: { name: string; service: string; timeoutMs: number }): void {
    const now = new Date().toISOString();
    const prev = this.running.get(journey);
    this.running.set(journey, { runId, startedAt: prev?.runId === runId ? prev.startedAt : now, step });
  }

  runStarted(journey: string, runId: string): void {
    this.running.set(journey, { runId, startedAt: new Date().toISOString() });
  }

  runEnded(journey: string, runId: string): void {
    if (this.running.get(journey)?.runId === runId) this.running.delete(journey);
  }

  /**
   * Runs inside the blocked thread (synchronously, from the watchdog's interrupt): writes the entry for the run
   * `journey` is in. Returns it, or undefined when that journey is not running here (nothing to pin it on).
   */
  recordBlocked(journey: string, stalledMs: number, now: Date = new Date()): BlockedJourney | undefined {
    const run = this.running.get(journey);
    if (run === undefined) return undefined;
    const entry: BlockedJourney = {
      journey,
      runId: run.runId,
      environment: this.context.environment,
      ...(this.context.location === undefined ? {} : { location: this.context.location }),
      startedAt: run.startedAt,
      ...(run.step === undefined ? {} : { step: run.step }),
      stalledMs: Math.round(stalledMs),
      blockedAt: now.toISOString(),
      fingerprint: this.fingerprints.get(journey) ?? 'unknown',
      recorded: false,
    };
    this.entries = [...this.entries.filter((e) => e.journey !== journey), entry];
    this.write();
    return entry;
  }

  private write(): void {
    if (this.entries.length === 0) {
      rmSync(this.file, { force: true });
      return;
    }
    mkdirSync(dirname(this.file), { recursive: true });
    // Write-then-rename: a crash mid-write leaves the old file, never half a file.
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify({ schema: 'prober.quarantine/v1', journeys: this.entries }, null, 2)}\n`);
    renameSync(tmp, this.file);
  }
}

/** A missing file is an empty quarantine; an unreadable one is a setup problem the operator must look at. */
function readEntries(file: string): BlockedJourney[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw unreadable(file, (err as NodeJS.ErrnoException).code ?? String(err));
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw unreadable(file, 'not JSON');
  }
  const checked = QuarantineFile.safeParse(parsed);
  if (!checked.success)
    throw unreadable(file, checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  return checked.data.journeys;
}

function unreadable(file: string, why: string): ProberSetupError {
  return setupError(
    file,
    `the loop quarantine cannot be read (${why})`,
    'fix or delete it (deleting it lets every journey run again)',
  );
}

/**
 * Where the quarantine lives: next to a SQLite store (it is the daemon's state, on the same volume); with a
 * Postgres store, in the temp dir of this replica (a container restart keeps it when /tmp is a volume, as in
 * deploy/kubernetes; a rescheduled pod starts without it and is quarantined again at the first block).
 */
export function quarantineFile(
  store: { kind: 'sqlite'; path: string } | { kind: 'postgres' },
  environment: string,
  location: string | undefined,
): string {
  if (store.kind === 'sqlite') return `${store.path}.blocked-journeys.json`;
  const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, '_');
  return join(
    tmpdir(),
    'golden-path-prober',
    `blocked-journeys-${safe(environment)}${location === undefined ? '' : `-${safe(location)}`}.json`,
  );
}
