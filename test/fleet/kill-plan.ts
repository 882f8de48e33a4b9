/** mulberry32: a small seeded generator, so a failing run's kill moments can be replayed (FLEET_SEED=N). */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** `count` kill moments (ms after the start), sorted, uniformly between `fromMs` and `toMs`. */
export function killMoments(random: () => number, count: number, fromMs: number, toMs: number): number[] {
  return Array.from({ length: count }, () => fromMs + random() * (toMs - fromMs)).sort((a, b) => a - b);
}

/** Runs each `act` at its moment after `t0` (in order; a late one runs at once). */
export async function playTimeline(t0: number, steps: { at: number; act: () => void }[]): Promise<void> {
  for (const step of [...steps].sort((a, b) => a.at - b.at)) {
    await new Promise((r) => setTimeout(r, Math.max(0, t0 + step.at - Date.now())));
    step.act();
  }
}
