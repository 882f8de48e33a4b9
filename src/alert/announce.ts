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
}

export type Announcement = { state: 'firing'; severity: Severity; reminder: boolean } | { state: 'resolved'; severity: Severity };

export interface AnnounceConfig {
  muted?: boolean | undefined;
  repeatIntervalMs: number;
  sendResolved: boolean;
}

/**
 * Pure apart from updating `s`: notifications are the difference between the phase and what was announced, plus a
 * reminder when one is due. A muted run (maintenance) announces nothing and leaves `announced` alone, so whatever
 * changed meanwhile is announced by the first run after the window: state is kept, only the noise is dropped.
 */
export function nextAnnouncement(s: Announceable, now: Date, config: AnnounceConfig): Announcement | undefined {
  if (config.muted === true) return undefined;
  const due =
    s.phase !== 'ok' &&
    s.phase === s.announced &&
    config.repeatIntervalMs > 0 &&
    s.lastNotifiedAt !== undefined &&
    now.getTime() - Date.parse(s.lastNotifiedAt) >= config.repeatIntervalMs;
  if (s.phase === s.announced && !due) return undefined;
  const previous = s.announced;
  s.announced = s.phase;
  if (s.phase === 'ok') {
    delete s.lastNotifiedAt;
    return config.sendResolved ? { state: 'resolved', severity: previous === 'warning' ? 'warning' : 'critical' } : undefined;
  }
  s.lastNotifiedAt = now.toISOString();
  return { state: 'firing', severity: s.phase, reminder: due };
}
