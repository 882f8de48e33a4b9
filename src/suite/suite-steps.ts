import type { StepResult } from '../journey/result-schema.js';

/** Small pure helpers building a suite journey's step results. */

export function stepOf(
  name: string,
  service: string,
  status: StepResult['status'],
  startedAt: Date,
  durationMs: number,
  error?: StepResult['error'],
  location?: string,
): StepResult {
  return {
    name,
    service,
    status,
    startedAt: startedAt.toISOString(),
    durationMs: Math.max(0, Math.round(durationMs)),
    timeoutMs: 1,
    ...(location === undefined ? {} : { location }),
    ...(error === undefined ? {} : { error }),
  };
}

export function loc(l: { file: string; line: number } | undefined): string | undefined {
  if (l === undefined) return undefined;
  const cwd = `${process.cwd()}/`;
  return `${l.file.startsWith(cwd) ? l.file.slice(cwd.length) : l.file}:${l.line}`;
}

export function isWithin(inner: readonly string[], outer: readonly string[]): boolean {
  return outer.length < inner.length && outer.every((t, i) => inner[i] === t);
}

export function isLastOpen(judged: readonly { end: unknown }[], s: { end: unknown }): boolean {
  return [...judged].reverse().find((x) => x.end === undefined) === s;
}
