import { readdirSync, readFileSync } from 'node:fs';

/**
 * Resident memory and process count of one Chromium (every process it forked), found without Playwright's help:
 * the browser process inherits `BENCH_BROWSER_TAG=<tag>` from our environment, and zygotes and renderers stay in
 * its process group (Playwright starts it detached), so "tagged, or in a tagged process's group" is exactly ours.
 */
export interface TreeSample {
  processes: number;
  rssBytes: number;
  /** Proportional set size: shared pages (the Chromium binary, fonts) split between processes, so sums are honest. */
  pssBytes: number;
}

const PAGE = 4096;

export function chromiumTree(tag: string): TreeSample {
  const procs: { pid: string; pgid: string; comm: string; rss: number; tagged: boolean }[] = [];
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      if (!/chrom/i.test(comm)) continue;
      const fields = stat.slice(close + 2).split(' ');
      if (fields[0] === 'Z') continue;
      const rssPages = Number(readFileSync(`/proc/${pid}/statm`, 'latin1').split(' ')[1] ?? 0);
      const tagged = readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(`BENCH_BROWSER_TAG=${tag}`);
      procs.push({ pid, pgid: fields[2] ?? '', comm, rss: rssPages * PAGE, tagged });
    } catch {
      // exited while being read
    }
  }
  const groups = new Set(procs.filter((p) => p.tagged).map((p) => p.pgid));
  const ours = procs.filter((p) => p.tagged || groups.has(p.pgid));
  return {
    processes: ours.length,
    rssBytes: ours.reduce((sum, p) => sum + p.rss, 0),
    pssBytes: ours.reduce((sum, p) => sum + pss(p.pid), 0),
  };
}

function pss(pid: string): number {
  try {
    const kb = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'latin1'))?.[1];
    return Number(kb ?? 0) * 1024;
  } catch {
    return 0;
  }
}

/** Samples `sample()` every `everyMs` while `work` runs and returns the work's value with the peak seen. */
export async function withPeak<T>(
  sample: () => number,
  work: () => Promise<T>,
  everyMs = 50,
): Promise<{ value: T; peak: number }> {
  let peak = sample();
  const timer = setInterval(() => {
    peak = Math.max(peak, sample());
  }, everyMs);
  try {
    const value = await work();
    peak = Math.max(peak, sample());
    return { value, peak };
  } finally {
    clearInterval(timer);
  }
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

/** Least-squares slope of ys against their index: growth per run. */
export function slope(ys: readonly number[]): number {
  const n = ys.length;
  const mx = (n - 1) / 2;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  ys.forEach((y, x) => {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  });
  return den === 0 ? 0 : num / den;
}
