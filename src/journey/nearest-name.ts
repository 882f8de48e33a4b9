/**
 * "Did you mean" for names a probe or config asks for: the known name closest in edit distance, when it is
 * close enough to be a typo (at most a third of the name's length, and at least one edit allowed).
 */
export function nearestName(name: string, known: Iterable<string>): string | undefined {
  const limit = Math.max(1, Math.floor(name.length / 3));
  let best: { name: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance <= limit && (best === undefined || distance < best.distance)) best = { name: candidate, distance };
  }
  return best?.name;
}

/** ` (did you mean "auth"?)`, or the known names when none is close, so the message always points somewhere. */
export function suggestName(name: string, known: readonly string[]): string {
  const near = nearestName(name, known);
  if (near !== undefined) return ` (did you mean "${near}"?)`;
  return known.length === 0 ? ' (none is defined)' : ` (defined: ${known.join(', ')})`;
}

/** Edit distance counting a swap of two neighbours as one edit (optimal string alignment): "bgi" is one from "big". */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number) => d[i]?.[j] ?? 0;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      (d[i] as number[])[j] = best;
    }
  }
  return at(a.length, b.length);
}
