/** How the prober's own logs look on stderr: `pretty` lines for people (the default of run and demo), `json` for machines. */
export const LOG_FORMATS = ['pretty', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

const LEVEL_NAMES: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};
const DROPPED = new Set(['level', 'time', 'pid', 'hostname', 'msg']);

/**
 * One pino JSON line as one human line: `12:00:01.123 WARN  step/end journey=golden-path-api step=chat.reply …`.
 * Plain values stay bare, values with spaces are quoted, objects are compact JSON. A line that is not JSON passes
 * through unchanged (it was already redacted either way: this runs after the redaction hook).
 */
export function formatLogLine(line: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line.endsWith('\n') ? line : `${line}\n`;
  }
  const time = typeof entry.time === 'number' ? new Date(entry.time).toISOString().slice(11, 23) : '';
  const level = (LEVEL_NAMES[Number(entry.level)] ?? String(entry.level)).padEnd(5);
  const fields = Object.entries(entry)
    .filter(([k, v]) => !DROPPED.has(k) && v !== undefined)
    .map(([k, v]) => `${k}=${formatValue(v)}`);
  return `${[time, level, String(entry.msg ?? ''), ...fields].filter((p) => p !== '').join(' ')}\n`;
}

function formatValue(v: unknown): string {
  if (typeof v === 'string') return /^[^\s"=]+$/.test(v) ? v : JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}
