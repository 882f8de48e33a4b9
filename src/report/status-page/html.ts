/** Artifacts are local paths (screenshots, traces); link them so a reader of the static report can open them. */
export function artifactHref(path: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(path)) return path;
  return path.startsWith('/') ? `file://${encodeURI(path)}` : encodeURI(path);
}

export function percentText(ratio: number | undefined): string {
  if (ratio === undefined) return '–';
  const pct = ratio * 100;
  // 99.95 % must not round up to a reassuring 100 %.
  return `${pct === 100 ? '100' : (Math.floor(pct * 100) / 100).toFixed(2)} %`;
}
