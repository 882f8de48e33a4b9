import { createTask, type Logger as CronLogger, type ScheduledTask, type TaskContext } from 'node-cron';
import type { Logger } from '../log.js';
import type { SkipReason } from '../report/metrics.js';
import { cronIntervalMs } from '../config/cron-interval.js';
import { TickMonitor } from './tick-monitor.js';

export interface ScheduledJob {
  journey: string;
  schedule: string;
  /** Runs the journey once; the scheduler awaits it so `noOverlap` sees the run as still going. */
  run: (slot: Date) => Promise<unknown>;
}

export interface SchedulerHooks {
  onSkip(journey: string, reason: SkipReason, slot: Date): void;
  /** Delay between the tick's slot and node-cron noticing it (before the start jitter). */
  onTickLag(journey: string, seconds: number): void;
}

export interface SchedulerOptions {
  /** node-cron `maxRandomDelay`: each run starts up to this many ms after its tick. */
  maxRandomDelayMs: number;
  log: Logger;
  hooks: SchedulerHooks;
  monitor?: TickMonitor;
}

/**
 * The node-cron adapter: one task per scheduled journey with `noOverlap` (a tick that finds the previous run still
 * going is skipped and reported, never queued) and start jitter. node-cron counts slots missed while the process
 * was stalled (`execution:missed`) and runs at most one late slot, so there is no catch-up burst after a sleep.
 */
export class CronScheduler {
  readonly monitor: TickMonitor;
  private readonly tasks: { job: ScheduledJob; task: ScheduledTask }[] = [];

  constructor(jobs: readonly ScheduledJob[], options: SchedulerOptions) {
    this.monitor = options.monitor ?? new TickMonitor();
    const logger = cronLogger(options.log);
    for (const job of jobs) {
      // The slot (the tick's scheduled time, before jitter) is the same on every replica: a fleet claims ticks by it.
      const task = createTask(job.schedule, (ctx: TaskContext) => job.run(ctx.date), {
        name: `prober:${job.journey}`,
        noOverlap: true,
        maxRandomDelay: options.maxRandomDelayMs,
        logger,
      });
      const { hooks } = options;
      task.on('execution:started', (ctx: TaskContext) => {
        this.monitor.tick(job.journey);
        hooks.onTickLag(job.journey, (ctx.triggeredAt.getTime() - ctx.date.getTime()) / 1000);
      });
      task.on('execution:overlap', (ctx: TaskContext) => {
        this.monitor.tick(job.journey);
        hooks.onSkip(job.journey, 'overlap', ctx.date);
      });
      task.on('execution:missed', (ctx: TaskContext) => {
        this.monitor.tick(job.journey);
        hooks.onSkip(job.journey, 'missed', ctx.date);
      });
      this.tasks.push({ job, task });
    }
  }

  start(): void {
    for (const { job, task } of this.tasks) {
      this.monitor.watch(job.journey, cronIntervalMs(job.schedule) ?? 60_000);
      void task.start();
    }
  }

  /** No new ticks from now on; a run already going is not touched here (the daemon aborts it). */
  stop(): void {
    for (const { task } of this.tasks) void task.stop();
  }

  destroy(): void {
    for (const { task } of this.tasks) void task.destroy();
    this.tasks.length = 0;
  }

  nextRun(journey: string): Date | undefined {
    return this.tasks.find((t) => t.job.journey === journey)?.task.getNextRun() ?? undefined;
  }
}

/** node-cron's own warnings ("task still running…") are reported by us as metrics and structured logs instead. */
function cronLogger(log: Logger): CronLogger {
  const text = (m: string | Error) => (m instanceof Error ? m.message : m);
  return {
    info: (m) => log.debug({ source: 'node-cron' }, text(m)),
    warn: (m) => log.debug({ source: 'node-cron' }, text(m)),
    error: (m, err) => log.error({ source: 'node-cron', err: err?.message }, text(m)),
    debug: (m) => log.trace({ source: 'node-cron' }, text(m)),
  };
}
