import { ProberSetupError, type Problem } from '../config/problems.js';
import type { Logger } from '../log.js';
import type { Redactor } from '../redact.js';
import { ResilientStore } from '../store/resilient-store.js';
import type { OutboxChange, StateStore, StoreBatch } from '../store/state-store.js';
import type { StoreFault } from './prober-health.js';
import type { AlertsConfig } from '../config/alerts-config.js';
import { AlertRecorder } from './alert-recorder.js';
import type { ChannelSender } from './channels/channel.js';
import { createSender } from './channels/registry.js';
import { OutboxDeliverer, type DeliveryEvent } from './outbox-deliverer.js';
import { resolveRefs } from '../config/env-refs.js';

export interface Alerting {
  recorder: AlertRecorder;
  deliverer: OutboxDeliverer;
  senders: ReadonlyMap<string, ChannelSender>;
}

/**
 * Resolves each channel's `${env:…}` references (every value goes to the Redactor before anything can log it) and
 * builds senders. A missing variable is a config problem (exit 2), listed per channel path.
 */
export function resolveSenders(
  alerts: AlertsConfig,
  env: NodeJS.ProcessEnv,
  redactor: Redactor,
): Map<string, ChannelSender> {
  const senders = new Map<string, ChannelSender>();
  const problems: Problem[] = [];
  for (const [name, channel] of Object.entries(alerts.channels)) {
    const resolved = resolveRefs(channel, env, `alerts.channels.${name}`);
    for (const secret of resolved.secrets) redactor.add(secret);
    problems.push(...resolved.problems);
    if (resolved.problems.length === 0) senders.set(name, createSender(name, resolved.value));
  }
  if (problems.length > 0) throw new ProberSetupError(problems);
  return senders;
}

export interface AlertingOptions {
  alerts: AlertsConfig;
  store: StateStore;
  log: Logger;
  redactor: Redactor;
  env?: NodeJS.ProcessEnv;
  onDeliveryEvent?: (event: DeliveryEvent) => void;
  /** The store's current fault, for the `prober:<environment>` alert. */
  storeFault?: () => StoreFault | undefined;
  /** Why a journey is quarantined, if it is (it blocked the event loop), for the `prober:<environment>` alert. */
  quarantined?: (journey: string) => string | undefined;
  /** A journey's schedule interval, for the location quorum's default freshness bound. */
  intervalMs?: (journey: string) => number | undefined;
}

/** A ResilientStore's health as the prober's own alert sees it. */
export function storeFault(store: ResilientStore): StoreFault | undefined {
  const h = store.health();
  return h.ok
    ? undefined
    : { location: h.store, error: h.error ?? 'failing', since: h.since ?? new Date().toISOString() };
}

/** The alert recorder (result → alert state → outbox) and the deliverer over one store: what `prober run --store` and `prober schedule` share. */
export function createAlerting(options: AlertingOptions): Alerting {
  const { alerts, store, log } = options;
  const senders = resolveSenders(alerts, options.env ?? process.env, options.redactor);
  const deliverer = new OutboxDeliverer({
    store,
    senders,
    settings: alerts.delivery,
    log,
    ...(options.onDeliveryEvent === undefined ? {} : { onEvent: options.onDeliveryEvent }),
    // An outcome is committed before `alert/delivered` is logged; a failing store holds it (logged as held).
    ...(store instanceof ResilientStore ? { record: (id: string, c: OutboxChange) => store.recordOutbox(id, c) } : {}),
  });
  const keepAlive = new Map(
    [...senders].flatMap(([name, sender]) =>
      sender.keepAliveMs === undefined ? [] : [[name, sender.keepAliveMs] as const],
    ),
  );
  const recorder = new AlertRecorder({
    store,
    alerts,
    channels: [...senders.keys()],
    keepAlive,
    log,
    onEnqueued: () => deliverer.wake(),
    onDeferred: (alertKey) => options.onDeliveryEvent?.({ type: 'evaluation-deferred', alertKey }),
    ...(options.storeFault === undefined ? {} : { storeFault: options.storeFault }),
    ...(options.quarantined === undefined ? {} : { quarantined: options.quarantined }),
    ...(options.intervalMs === undefined ? {} : { intervalMs: options.intervalMs }),
    // A failing store holds the batch in memory (and it is delivered from there) instead of failing the alerting.
    ...(store instanceof ResilientStore ? { commit: (batch: StoreBatch) => store.commitOrHold(batch) } : {}),
  });
  return { recorder, deliverer, senders };
}
