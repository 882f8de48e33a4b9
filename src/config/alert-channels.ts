import { z } from 'zod';
import { envRefString } from './env-refs.js';

/**
 * The config schemas of the alert channels (their senders live in src/alert/channels/, one file each, and read
 * these types). Here, in config/, so the config schema imports nothing above config/. A new channel adds its schema
 * and a line in the union below, its sender file, and its line in src/alert/channels/registry.ts.
 */

/** A webhook URL, routing key or signing secret: only ever a reference, so the config file can be committed. */
export const SecretRef = envRefString(
  'must be an ${env:NAME} reference; webhook URLs, keys and secrets are never literal in config files',
);

const HOUR_MS = 3_600_000;
/**
 * An open alert is re-sent after a quarter of its TTL, as Prometheus sets `endsAt` to 4 × its resend interval:
 * three missed refreshes (a slow run, a receiver restart) still leave it active.
 */
export const KEEP_ALIVE_FRACTION = 4;

export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';

export const WebhookChannelSchema = z
  .object({
    type: z.literal('webhook'),
    /** Receiver URL (a secret: tokens often live in the path). */
    url: SecretRef,
    /** Standard Webhooks secret (`whsec_<base64>`); when set, every delivery is signed. */
    secret: SecretRef.optional(),
  })
  .strict();
export type WebhookChannelConfig = z.infer<typeof WebhookChannelSchema>;

export const SlackChannelSchema = z
  .object({
    type: z.literal('slack'),
    /** Incoming-webhook URL (a secret: it is the credential). */
    url: SecretRef,
    /** Where "Open" points, e.g. the daemon's status page; not a secret. */
    link: z.url({ protocol: /^https?$/ }).optional(),
  })
  .strict();
export type SlackChannelConfig = z.infer<typeof SlackChannelSchema>;

export const PagerDutyChannelSchema = z
  .object({
    type: z.literal('pagerduty'),
    /** Events v2 integration key (a secret). */
    routingKey: SecretRef,
    /** Events API endpoint; change only for a proxy or a test receiver. @defaultValue PagerDuty's */
    url: z.url({ protocol: /^https?$/ }).default(PAGERDUTY_EVENTS_URL),
  })
  .strict();
export type PagerDutyChannelConfig = z.infer<typeof PagerDutyChannelSchema>;

export const AlertmanagerChannelSchema = z
  .object({
    type: z.literal('alertmanager'),
    /** Base URL, e.g. `http://alertmanager:9093`; `/api/v2/alerts` is appended. A reference if it carries credentials. */
    url: z.union([SecretRef, z.url({ protocol: /^https?$/ })]),
    /**
     * A firing alert carries `endsAt = now + firingTtlMs`; Alertmanager resolves it by itself if the prober stops
     * refreshing it (the prober died). While it fires it is re-sent every `firingTtlMs / 4` at the next run, with or
     * without reminders; so every scheduled journey must run at least that often (validation checks). @defaultValue 6 h
     */
    firingTtlMs: z
      .number()
      .int()
      .min(1_000)
      .default(6 * HOUR_MS),
    /** @defaultValue `GoldenPathJourneyFailing` */
    alertname: z.string().min(1).default('GoldenPathJourneyFailing'),
  })
  .strict();
export type AlertmanagerChannelConfig = z.infer<typeof AlertmanagerChannelSchema>;

/** Every channel type, by its `type`. */
export const ChannelConfigSchema = z.discriminatedUnion('type', [
  WebhookChannelSchema,
  SlackChannelSchema,
  PagerDutyChannelSchema,
  AlertmanagerChannelSchema,
]);
export type ChannelConfig = z.infer<typeof ChannelConfigSchema>;
