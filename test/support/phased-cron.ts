/**
 * A cron seconds field for a schedule every `periodS` seconds (a divisor of 60) whose first slot comes about
 * `readyMs` from `now`, for a daemon spawned now: on a fixed grid (`*\/30`) the first tick came anywhere from 0 to a
 * whole period after the daemon was ready, half a period on average. A daemon slower than the estimate only waits
 * for the slot after, as on the fixed grid. The interval between slots is `periodS`, as before.
 */
export function phasedSeconds(periodS: number, readyMs: number, now = Date.now()): string {
  const phase = Math.ceil((now + readyMs) / 1_000) % periodS;
  return Array.from({ length: 60 / periodS }, (_, i) => phase + i * periodS).join(',');
}
