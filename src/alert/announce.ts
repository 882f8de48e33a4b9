import { z } from 'zod';
import type { Severity } from './notification.js';

/** ok → nothing wrong; warning → a warning-severity alert is open; critical → users cannot do the journey. */
export const Phase = z.enum(['ok', 'warning', 'critical']);
export type Phase = z.infer<typeof Phase>;

/** The part of an alert state that decides what receivers are told. */
export interface Announceable {
  phase: Phase;
  /** What receivers were last told. */
  announced: Phase;
  lastNotifiedAt?: string | undefined;
  /** Last time the open alert was sent anywhere (firing, reminder or keep-alive); drives the keep-alive. */
  lastRefreshedAt?: string | undefined;
}

export type Announcement =
  | { state: 'firing'; severity: Severity; reminder: boolean; keepAlive?: true }
  | { state: 'resolved'; severity: Severity };

export interface AnnounceConfig {
  muted?: boolean | undefined;
  repeatIntervalMs: number;
  sendResolved: boolean;
  /**
   * Re-send an announced alert at least this often to channels whose alerts expire (Alertmanager's `endsAt`),
   * whatever the reminder setting: Prometheus re-sends on every evaluation for the same reason. 0: no such channel.
   */
  keepAliveMs?: number | undefined;
}

/**
 * Pure apart from updating `s`: notifications are the difference between the phase and what was announced, plus a
 * reminder when one is due. A muted run (maintenance) announces nothing and leaves `announced` alone, so whatever
 * changed meanwhile is announced by the first run after the window: state is kept, only the noise is dropped.
 * A keep-alive only repeats what receivers were already told (also in maintenance: letting Alertmanager expire the
 * alert would tell its receivers "resolved" while the journey still fails).
 */
export function nextAnnouncement(s: Announceable, now: Date, config: AnnounceConfig): Announcement | undefined {
  const keepAlive = keepAliveDue(s, now, config.keepAliveMs ?? 0);
  if (config.muted === true) return keepAlive ? refresh(s, now) : undefined;
  const due =
    s.phase !== 'ok' &&
    s.phase === s.announced &&
    config.repeatIntervalMs > 0 &&
    s.lastNotifiedAt !== undefined &&
    now.getTime() - Date.parse(s.lastNotifiedAt) >= config.repeatIntervalMs;
  if (s.phase === s.announced && !due) return keepAlive ? refresh(s, now) : undefined;
  const previous = s.announced;
  s.announced = s.phase;
  if (s.phase === 'ok') {
    delete s.lastNotifiedAt;
    delete s.lastRefreshedAt;
    return config.sendResolved
      ? { state: 'resolved', severity: previous === 'warning' ? 'warning' : 'critical' }
      : undefined;
  }
  s.lastNotifiedAt = s.lastRefreshedAt = now.toISOString();
  return { state: 'firing', severity: s.phase, reminder: due };
}

function keepAliveDue(s: Announceable, now: Date, intervalMs: number): boolean {
  if (intervalMs <= 0 || s.announced === 'ok') return false;
  const last = s.lastRefreshedAt ?? s.lastNotifiedAt;
  return last === undefined || now.getTime() - Date.parse(last) >= intervalMs;
}

function refresh(s: Announceable, now: Date): Announcement {
  s.lastRefreshedAt = now.toISOString();
  return {
    state: 'firing',
    severity: s.announced === 'warning' ? 'warning' : 'critical',
    reminder: false,
    keepAlive: true,
  };
}
