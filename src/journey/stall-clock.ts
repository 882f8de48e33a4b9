import { performance } from 'node:perf_hooks';

/** How often the heartbeat asks to run: 50 wake-ups a second cost nothing measurable next to a journey. */
export const BEAT_MS = 20;
/**
 * A heartbeat this late (beyond its period) counts, whole, as a stall. Below it is the ordinary jitter of a busy
 * loop (a few ms while other journeys parse their responses), which is no one's fault and would otherwise add up
 * to a tenth of every step.
 */
export const MIN_LATE_MS = 10;

let stalledMs = 0;
let lastBeat = 0;
let timer: NodeJS.Timeout | undefined;

function beat(): void {
  const now = performance.now();
  const late = now - lastBeat - BEAT_MS;
  if (late >= MIN_LATE_MS) stalledMs += late;
  lastBeat = now;
}

/**
 * Milliseconds the prober's event loop has been stalled since the clock started: blocked by synchronous work on
 * the main thread, or not scheduled by the OS at all (a loaded box), which is the same to a deadline timer. A
 * step reads it at its start and end; the difference is how much of the step's time the prober itself lost.
 *
 * The heartbeat only learns of a stall when it finally runs, so a reading adds the stall under way (the time since
 * the last beat beyond its period): a deadline timer firing right after a long block sees the block, whichever of
 * the two timers Node runs first. The reading is monotonic: when the late beat runs, what was "under way" moves
 * into the total.
 */
export function stallReading(): number {
  if (timer === undefined) start();
  const late = performance.now() - lastBeat - BEAT_MS;
  return late >= MIN_LATE_MS ? stalledMs + late : stalledMs;
}

function start(): void {
  lastBeat = performance.now();
  // Unreferenced: the heartbeat never keeps a finished `prober run` alive.
  timer = setInterval(beat, BEAT_MS);
  timer.unref();
}
