import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

export interface Sample {
  wall: number;
  cpu: number;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : ((s[mid - 1] ?? NaN) + (s[mid] ?? NaN)) / 2;
}

/** Median wall and CPU of both sides and their ratios, as one table row. */
export function row(label: string, prober: readonly Sample[], bare: readonly Sample[], unit: 'ms' | 's'): string {
  const f = (ms: number) => (unit === 's' ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(2)} ms`);
  const pw = median(prober.map((x) => x.wall));
  const bw = median(bare.map((x) => x.wall));
  const pc = median(prober.map((x) => x.cpu));
  const bc = median(bare.map((x) => x.cpu));
  return `| ${label} | ${f(pw)} wall, ${f(pc)} CPU | ${f(bw)}, ${f(bc)} | **${(pw / bw).toFixed(2)}× wall, ${(pc / bc).toFixed(2)}× CPU** |`;
}

/**
 * Wall and CPU (user + system, all threads) of one whole child process, read by GNU time, so module loading,
 * loader threads and exit are counted exactly as a cron job pays them.
 */
export async function timeProcess(
  argv: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<Sample> {
  return new Promise((resolve, reject) => {
    execFile(
      '/usr/bin/time',
      ['-f', 'GNUTIME %e %U %S', ...argv],
      { cwd: options.cwd, env: options.env, maxBuffer: 64 << 20 },
      (err, _out, stderr) => {
        const m = stderr.match(/GNUTIME ([\d.]+) ([\d.]+) ([\d.]+)/);
        if (err !== null || m === null)
          return reject(new Error(`${argv.join(' ')} failed: ${err?.message ?? ''}\n${stderr.slice(-2000)}`));
        resolve({ wall: Number(m[1]) * 1000, cpu: (Number(m[2]) + Number(m[3])) * 1000 });
      },
    );
  });
}

/** The cheap target serves auth, backend and the web pages on one origin. */
export type CheapUrls = Record<'auth' | 'backend' | 'web', string>;

/** Starts the cheap loopback target in its own process and waits for its URL line. */
export async function startCheapTarget(
  root: string,
): Promise<{ urls: CheapUrls; child: ChildProcess; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [`${root}bench/cheap-target.mjs`], { stdio: ['pipe', 'pipe', 'inherit'] });
  const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
  return {
    urls: JSON.parse(line) as CheapUrls,
    child,
    async stop() {
      child.kill('SIGTERM');
      if (child.exitCode === null) await once(child, 'exit');
    },
  };
}

/** A forked worker that runs one journey per `go` and answers with its own wall and CPU for it. */
export interface Worker {
  once(): Promise<Sample>;
  stop(): void;
}

/**
 * Forks a worker and holds every `go` until it says `{ ready: true }`: a `go` sent while it is still loading (the
 * prober side loads its config first) would reach no listener and be lost.
 */
export function forkWorker(argv: readonly string[], env: NodeJS.ProcessEnv): Worker {
  const child = spawn(process.execPath, argv, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env });
  let pending: { resolve(s: Sample): void; reject(e: Error): void } | undefined;
  const readiness: { resolve?: () => void; reject?: (e: Error) => void } = {};
  const ready = new Promise<void>((resolve, reject) => Object.assign(readiness, { resolve, reject }));
  ready.catch(() => undefined);
  child.on('message', (msg: Sample | { error: string } | { ready: true }) => {
    if ('ready' in msg) return readiness.resolve?.();
    if ('error' in msg) pending?.reject(new Error(msg.error));
    else pending?.resolve(msg);
    pending = undefined;
  });
  // A worker that dies (a bad config, a crash) must end the bench, not leave it waiting for an answer.
  child.on('exit', (code) => {
    const err = new Error(`worker ${argv.join(' ')} exited with ${String(code)}`);
    readiness.reject?.(err);
    pending?.reject(err);
  });
  return {
    once: async () => {
      await ready;
      return new Promise<Sample>((resolve, reject) => {
        pending = { resolve, reject };
        child.send('go');
      });
    },
    stop: () => child.kill('SIGTERM'),
  };
}
