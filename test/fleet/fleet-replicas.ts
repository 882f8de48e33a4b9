import { ROOT } from '../support/cli.js';
import { poll } from '../support/poll.js';
import { startDaemonProcess, type DaemonProcess } from '../schedule/daemon-process.js';

export const LOCATION_OF = ['eu', 'eu', 'us', 'us'];
/** How long a restarted replica must have been up before its location sibling may be killed: it has ticked. */
const SETTLE_MS = 2_000;

export interface Kill {
  at: number;
  replica: number;
  how: 'random' | 'after-200';
}

/**
 * The scenario's 2 locations × 2 real `prober schedule` replicas (replica i is in LOCATION_OF[i]; its sibling is
 * i ^ 1). A killed replica is started again at once; a replica is killed only while its sibling is up and has
 * been for a few ticks, so each location keeps a prober (killing both within a tick is a location outage).
 */
export class FleetReplicas {
  readonly incarnations: DaemonProcess[] = [];
  readonly running: (DaemonProcess | undefined)[] = [undefined, undefined, undefined, undefined];
  readonly kills: Kill[] = [];
  /** Replicas being killed or held (a delivery held between its 200 and its commit): nobody else kills them. */
  readonly busy = new Set<number>();
  private readonly upSince = [0, 0, 0, 0];

  constructor(
    private readonly args: string[],
    private readonly env: (replica: number) => NodeJS.ProcessEnv,
  ) {}

  async start(i: number): Promise<void> {
    const d = await startDaemonProcess(
      ['--config', `${ROOT}/test/fleet/fleet-config.ts`, ...this.args],
      { PROBER_LOCATION: LOCATION_OF[i]!, ...this.env(i) },
      60_000,
    );
    this.incarnations.push(d);
    this.running[i] = d;
    this.upSince[i] = Date.now();
  }

  /** Up, and for long enough to have taken ticks (`busy` aside: the caller may be the one holding it). */
  upAndSettled(i: number): boolean {
    return this.running[i] !== undefined && Date.now() - this.upSince[i]! >= SETTLE_MS;
  }

  /** Waits (bounded) until replica i's sibling is up and settled, so killing i leaves its location a prober. */
  async siblingSettled(i: number): Promise<void> {
    await poll(`replica ${i ^ 1} up and settled`, async () => (this.upAndSettled(i ^ 1) ? true : undefined), {
      timeoutMs: 30_000,
    });
  }

  async kill(i: number, how: Kill['how'], beforeRestart?: () => Promise<void>): Promise<void> {
    this.busy.add(i);
    this.kills.push({ at: Date.now(), replica: i, how });
    await this.running[i]!.stop('SIGKILL');
    this.running[i] = undefined;
    await beforeRestart?.();
    await this.start(i);
    this.busy.delete(i);
  }

  /** A random replica not busy whose sibling is up, settled and not busy. */
  async killSomeone(random: () => number): Promise<void> {
    const pick = () => {
      const ok = [0, 1, 2, 3].filter(
        (i) => !this.busy.has(i) && this.running[i] !== undefined && !this.busy.has(i ^ 1) && this.upAndSettled(i ^ 1),
      );
      return ok.length === 0 ? undefined : ok[Math.floor(random() * ok.length)];
    };
    const victim = await poll('a replica that can be killed', async () => pick(), { timeoutMs: 30_000 });
    await this.kill(victim, 'random');
  }

  /** SIGTERM every running replica; each must exit 0. */
  async stopAll(): Promise<(number | null)[]> {
    return Promise.all(this.running.map(async (d) => (await d!.stop('SIGTERM')).code));
  }

  /** The tail of every incarnation's stderr that mentions `text`. */
  logsWith(text: string): string[] {
    return this.incarnations.filter((d) => d.stderr().includes(text)).map((d) => d.stderr().slice(-2000));
  }

  /** Every log line of every incarnation holding `text` (a failed scenario's context: which channel got what). */
  linesWith(text: string): string[] {
    const lines = this.incarnations.flatMap((d) => d.stderr().split('\n'));
    return lines.filter((l) => l.includes(text));
  }
}
