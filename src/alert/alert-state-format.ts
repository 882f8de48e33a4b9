import type { z } from 'zod';

/**
 * How one kind of alert state is stored: the current version, its schema, and one upgrade per older version.
 * A state written by an older prober is upgraded step by step (1 → 2 → …), never discarded: it may hold an open
 * incident. What cannot be read (not JSON, no version, a newer version, fails the schema after upgrading) is
 * reported as unreadable, with the reason, for the caller to quarantine loudly.
 */
export interface StateFormat<S> {
  /** For messages: "journey alert state", "prober health state". */
  name: string;
  version: number;
  schema: z.ZodType<S>;
  /** `upgrades[v]` turns a version-v document into a version-(v+1) document. */
  upgrades: Readonly<Record<number, (doc: Record<string, unknown>) => Record<string, unknown>>>;
}

export type StateRead<S> =
  | { kind: 'absent' }
  | { kind: 'current'; state: S }
  | { kind: 'migrated'; state: S; from: number }
  | { kind: 'unreadable'; reason: string };

/** Pure: the stored text (undefined when there is none) as a state of the current version, or why it cannot be. */
export function readState<S>(format: StateFormat<S>, raw: string | undefined): StateRead<S> {
  if (raw === undefined) return { kind: 'absent' };
  let doc: unknown;
  try {
    doc = JSON.parse(raw);
  } catch {
    return { kind: 'unreadable', reason: 'not valid JSON' };
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc))
    return { kind: 'unreadable', reason: 'not a JSON object' };
  const from = (doc as { version?: unknown }).version;
  if (typeof from !== 'number' || !Number.isInteger(from) || from < 1)
    return { kind: 'unreadable', reason: 'no format version' };
  if (from > format.version)
    return {
      kind: 'unreadable',
      reason: `written by a newer prober (format ${from}, this prober knows ${format.version})`,
    };
  let upgraded = doc as Record<string, unknown>;
  for (let v = from; v < format.version; v++) {
    const upgrade = format.upgrades[v];
    if (upgrade === undefined) return { kind: 'unreadable', reason: `format ${from} can no longer be upgraded` };
    upgraded = { ...upgrade(upgraded), version: v + 1 };
  }
  const parsed = format.schema.safeParse(upgraded);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue === undefined || issue.path.length === 0 ? '' : `${issue.path.join('.')}: `;
    return {
      kind: 'unreadable',
      reason: `format ${from}${from === format.version ? '' : ` upgraded to ${format.version}`} does not validate (${where}${issue?.message ?? 'invalid'})`,
    };
  }
  return from === format.version
    ? { kind: 'current', state: parsed.data }
    : { kind: 'migrated', state: parsed.data, from };
}
