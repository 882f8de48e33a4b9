import { readdirSync, readFileSync } from 'node:fs';

/**
 * Counts only *our* Chromium processes, never machine-wide: other test files run browsers concurrently.
 * Ours are recognised three ways, because no single mark reaches every process Chromium forks:
 * - the browser and crashpad processes inherit the environment, so they carry `PROBER_TEST_TAG=<tag>`;
 * - zygotes and renderers get a scrubbed environment but stay in the browser's process group (Playwright starts it
 *   detached), so every process group a tagged process led is remembered, even after its leader died;
 * - CLI runs get their own TMPDIR, and Playwright puts `--user-data-dir` there, on every zygote and renderer.
 */
export class ChromiumProcesses {
  private readonly groups = new Set<number>();

  constructor(
    readonly tag: string,
    private readonly marker?: string,
  ) {}

  /** The environment entries to hand to whatever starts Chromium. */
  get env(): Record<string, string> {
    return { PROBER_TEST_TAG: this.tag, ...(this.marker === undefined ? {} : { TMPDIR: this.marker }) };
  }

  /** PIDs of our live Chromium processes (zombies excluded: they are gone, only not yet reaped). */
  list(): number[] {
    const procs = readProcesses();
    for (const p of procs) if (p.tagged(this.tag)) this.groups.add(p.pgid);
    return procs
      .filter((p) => p.state !== 'Z' && /chrom/i.test(p.comm))
      .filter(
        (p) =>
          p.tagged(this.tag) ||
          this.groups.has(p.pgid) ||
          (this.marker !== undefined && p.cmdline.includes(this.marker)),
      )
      .map((p) => p.pid);
  }

  count(): number {
    return this.list().length;
  }

  /**
   * Waits until the count is `expected`: processes exit asynchronously after `browser.close()` returns. Polls /proc
   * (there is no event for another process's exit) and gives up at the deadline, returning what it last saw.
   */
  async settle(expected: number, deadlineMs = 10_000): Promise<number> {
    const until = Date.now() + deadlineMs;
    let seen = this.count();
    while (seen !== expected && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      seen = this.count();
    }
    return seen;
  }
}

interface Proc {
  pid: number;
  pgid: number;
  state: string;
  comm: string;
  cmdline: string;
  tagged(tag: string): boolean;
}

function readProcesses(): Proc[] {
  const out: Proc[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'latin1');
      // comm may contain spaces and parentheses: the fields after it start at the last ')'.
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const [state = '', , pgid = '0'] = stat.slice(close + 2).split(' ');
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'latin1').replace(/\0/g, ' ');
      const pid = Number(name);
      out.push({
        pid,
        pgid: Number(pgid),
        state,
        comm,
        cmdline,
        tagged: (tag) => readEnviron(pid).includes(`PROBER_TEST_TAG=${tag}`),
      });
    } catch {
      // The process exited while we read it.
    }
  }
  return out;
}

function readEnviron(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0');
  } catch {
    return [];
  }
}
