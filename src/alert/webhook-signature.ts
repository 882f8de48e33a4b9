import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Standard Webhooks 1.0 signing: `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, keyed with the secret's
 * bytes. Secrets are written `whsec_<base64>` by convention; the prefix is stripped and the rest base64-decoded,
 * as the reference libraries do, so a receiver using one of them verifies our deliveries unchanged.
 */
export function signingKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');
}

export function signWebhook(secret: string, id: string, timestampSec: number, body: string): string {
  const mac = createHmac('sha256', signingKey(secret)).update(`${id}.${timestampSec}.${body}`).digest('base64');
  return `v1,${mac}`;
}

export interface SignedHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

export function signedHeaders(secret: string, id: string, now: Date, body: string): SignedHeaders {
  const ts = Math.floor(now.getTime() / 1000);
  return { 'webhook-id': id, 'webhook-timestamp': String(ts), 'webhook-signature': signWebhook(secret, id, ts, body) };
}

/**
 * A receiver's check, as the spec describes it: any of the space-separated `v1,` signatures matches (constant
 * time), and the timestamp is within `toleranceSec` of now (replay protection). For tests and for users' receivers.
 */
export function verifyWebhook(
  secret: string,
  headers: Partial<Record<string, string>>,
  body: string,
  now: Date,
  toleranceSec = 300,
): boolean {
  const id = headers['webhook-id'];
  const ts = headers['webhook-timestamp'];
  const sigs = headers['webhook-signature'];
  if (id === undefined || ts === undefined || sigs === undefined || !/^\d+$/.test(ts)) return false;
  if (Math.abs(now.getTime() / 1000 - Number(ts)) > toleranceSec) return false;
  const expected = Buffer.from(signWebhook(secret, id, Number(ts), body).slice(3), 'base64');
  return sigs.split(' ').some((s) => {
    if (!s.startsWith('v1,')) return false;
    const got = Buffer.from(s.slice(3), 'base64');
    return got.length === expected.length && timingSafeEqual(got, expected);
  });
}
