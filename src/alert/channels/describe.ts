import type { AlertNotification } from '../notification.js';

/** One line every channel can lead with: state, severity, where, and the business verdict. */
export function headline(n: AlertNotification): string {
  const tag = n.test === true ? 'TEST ' : n.reminder === true ? 'STILL ' : '';
  const state = n.state === 'firing' ? `${tag}FIRING ${n.severity}` : `${tag}RESOLVED`;
  const where = n.location === undefined ? n.environment : `${n.environment} @ ${n.location}`;
  const quorum = locationsLine(n);
  return `[${state}] ${where} / ${n.journey}: ${n.verdict}${quorum === undefined ? '' : ` (${quorum})`}`;
}

/** Location quorum: "failing in eu-west, us-east; 2 of 2 needed", plus the locations that went quiet. */
export function locationsLine(n: AlertNotification): string | undefined {
  const l = n.locations;
  if (l === undefined) return undefined;
  const failing = l.failing.length === 0 ? 'failing in no location' : `failing in ${l.failing.join(', ')}`;
  const of = l.failing.length + l.passing.length + l.stale.length;
  return `${failing}; ${l.required} of ${of} needed${l.stale.length === 0 ? '' : `; no recent result from ${l.stale.join(', ')}`}`;
}

/** "chat.reply (backend, timeout)", or undefined when the notification names no failing step. */
export function failedAt(n: AlertNotification): string | undefined {
  const f = n.failure;
  return f === undefined ? undefined : `${f.step} (${f.service}, ${f.category})`;
}

/** Bounded text for receivers with field limits (Slack 3000, PagerDuty summary 1024). */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
