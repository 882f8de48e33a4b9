import { createTask, type Logger as CronLogger, type ScheduledTask, type TaskContext } from 'node-cron';
import type { Logger } from '../log.js';
import type { SkipReason } from '../report/metrics.js';
import { cronIntervalMs } from '../config/cron-interval.js';
import { groupBySchedule, jitterMs } from './schedule-groups.js';
import { TickMonitor } from './tick-monitor.js';

export interface ScheduledJob {
  journey: string;
  schedule: string;
  /** Runs the journey once; the scheduler awaits it so `noOverlap` sees the run as still going. */
  run: (slot: Date) => Promise<unknown>;
}

export interface SchedulerHooks {
  onSkip(journey: string, reason: SkipReason, slot: Date): void;
  /** Delay between the tick's slot and the scheduler noticing it for this journey (before the start jitter). */
  onTickLag(journey: string, seconds: number): void;
}

export interface SchedulerOptions {
  /** Each run starts up to this many ms after its tick (uniform start jitter, as node-cron's `maxRandomDelay`). */
  maxRandomDelayMs: number;
  log: Logger;
  hooks: SchedulerHooks;
  monitor?: TickMonitor;
  /** For tests: the jitter's random source. @defaultValue Math.random */
  random?: () => number;
}

/** One scheduled journey's state: whether its last tick is still going (start jitter + run), and its jitter timer. */
interface JobState {
  job: ScheduledJob;
  busy: boolean;
  jitter: NodeJS.Timeout | undefined;
}

/**
 * One node-cron task per distinct cron expression, not per journey: node-cron works out the next fire time (its
 * matcher builds the date's parts through `Intl` at every tick, ~1 ms per task per tick at thousands of journeys),
 * and the task's tick fans out to every journey on that expression. The rules are node-cron's own, per journey:
 * a tick that finds the journey's previous run still going (jitter included) is skipped as `overlap`, never
 * queued; slots missed while the process was stalled are counted as `missed` and at most one late slot runs (the
 * task's own `execution:missed` and tolerance), so there is no catch-up burst after a sleep; start jitter per run.
 */
export class CronScheduler {
  readonly monitor: TickMonitor;
  private readonly groups: { schedule: string; jobs: JobState[]; task: ScheduledTask }[] = [];
  private running = false;

  constructor(
    jobs: readonly ScheduledJob[],
    private readonly options: SchedulerOptions,
  ) {
    this.monitor = options.monitor ?? new TickMonitor();
    const logger = cronLogger(options.log);
    for (const [schedule, group] of groupBySchedule(jobs)) {
      const states = group.map((job) => ({ job, busy: false, jitter: undefined }));
      // The slot (the tick's scheduled time, before jitter) is the same on every replica: a fleet claims ticks by it.
      // The group's task itself never overlaps: its callback only starts the journeys' runs and returns.
      const task = createTask(schedule, (ctx: TaskContext) => this.fire(states, ctx.date), {
        name: `prober:${schedule}`,
        logger,
      });
      task.on('execution:missed', (ctx: TaskContext) => {
        for (const s of states) {
          this.monitor.tick(s.job.journey);
          options.hooks.onSkip(s.job.journey, 'missed', ctx.date);
        }
      });
      this.groups.push({ schedule, jobs: states, task });
    }
  }

  private fire(states: readonly JobState[], slot: Date): void {
    if (!this.running) return;
    const { hooks } = this.options;
    for (const s of states) {
      this.monitor.tick(s.job.journey);
      if (s.busy) {
        hooks.onSkip(s.job.journey, 'overlap', slot);
        continue;
      }
      hooks.onTickLag(s.job.journey, (Date.now() - slot.getTime()) / 1000);
      s.busy = true;
      const delay = jitterMs(this.options.maxRandomDelayMs, this.options.random ?? Math.random);
      if (delay === 0) this.launch(s, slot);
      else s.jitter = setTimeout(() => this.launch(s, slot), delay);
    }
  }

  private launch(s: JobState, slot: Date): void {
    s.jitter = undefined;
    if (!this.running) {
      s.busy = false;
      return;
    }
    let run: Promise<unknown>;
    try {
      run = s.job.run(slot);
    } catch (err) {
      run = Promise.reject(err);
    }
    run
      .catch((err: unknown) =>
        this.options.log.error({ source: 'scheduler', journey: s.job.journey, err: String(err) }, 'run/failed'),
      )
      .finally(() => {
        s.busy = false;
      });
  }

  start(): void {
    this.running = true;
    for (const { jobs, task } of this.groups) {
      for (const s of jobs) this.monitor.watch(s.job.journey, cronIntervalMs(s.job.schedule) ?? 60_000);
      void task.start();
    }
  }

  /** No new ticks from now on, and no jittered run that has not started yet; a run already going is not touched. */
  stop(): void {
    this.running = false;
    for (const { jobs, task } of this.groups) {
      void task.stop();
      for (const s of jobs) this.cancelJitter(s);
    }
  }

  destroy(): void {
    this.stop();
    for (const { task } of this.groups) void task.destroy();
    this.groups.length = 0;
  }

  nextRun(journey: string): Date | undefined {
    return this.groups.find((g) => g.jobs.some((s) => s.job.journey === journey))?.task.getNextRun() ?? undefined;
  }

  private cancelJitter(s: JobState): void {
    if (s.jitter === undefined) return;
    clearTimeout(s.jitter);
    s.jitter = undefined;
    s.busy = false;
  }
}

/** node-cron's own warnings are reported by us as metrics and structured logs instead. */
function cronLogger(log: Logger): CronLogger {
  const text = (m: string | Error) => (m instanceof Error ? m.message : m);
  return {
    info: (m) => log.debug({ source: 'node-cron' }, text(m)),
    warn: (m) => log.debug({ source: 'node-cron' }, text(m)),
    error: (m, err) => log.error({ source: 'node-cron', err: err?.message }, text(m)),
    debug: (m) => log.trace({ source: 'node-cron' }, text(m)),
  };
}
