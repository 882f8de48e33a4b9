import type { AlertNotification } from '../notification.js';

/** One line every channel can lead with: state, severity, where, and the business verdict. */
export function headline(n: AlertNotification): string {
  const tag = n.test === true ? 'TEST ' : n.reminder === true ? 'STILL ' : '';
  const state = n.state === 'firing' ? `${tag}FIRING ${n.severity}` : `${tag}RESOLVED`;
  const where = n.location === undefined ? n.environment : `${n.environment} @ ${n.location}`;
  return `[${state}] ${where} / ${n.journey}: ${n.verdict}`;
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
