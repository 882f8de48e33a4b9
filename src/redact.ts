/**
 * The one place that knows what a secret looks like. Results, alerts and log lines pass through `scrub` on their
 * way out. Known values (configured secrets, tokens minted during a run) are replaced wherever they appear, in
 * raw, JSON-escaped and URL-encoded form; bearer headers, `bearer.<token>` and `jwt.<token>` WebSocket subprotocols,
 * JWT-shaped strings and credential query parameters are replaced even when nobody registered them.
 */
export const REDACTED = '[REDACTED]';

const PATTERNS: [RegExp, string][] = [
  [/(bearer\s+)[A-Za-z0-9._~+/=-]+/gi, `$1${REDACTED}`],
  [/eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, REDACTED],
  [/([?&](?:access_token|token|password|key|secret|auth|code)=)[^&#\s"']+/gi, `$1${REDACTED}`],
  [/(bearer\.)[^\s,"']+/gi, `$1${REDACTED}`],
  // The seed platform's WebSocket subprotocol `jwt.<token>` (offered next to `jwt-auth`). A subprotocol is an HTTP
  // token (RFC 7230 tchar), so the value ends at the first separator and the punctuation after it survives.
  [/(\bjwt\.)[A-Za-z0-9!#$%&*+.^_`|~-]+/gi, `$1${REDACTED}`],
];

/**
 * Matches every string one of PATTERNS could match (and more): most strings in a result (names, statuses, times)
 * match none, and skip the five replacements.
 */
const MAY_MATCH = /bearer|eyJ|[?&](?:access_token|token|password|key|secret|auth|code)=|jwt\./i;

// Terminal colour codes (Playwright's call log dims its lines with them): raw, and as JSON writes them in a log line.
// biome-ignore lint/suspicious/noControlCharactersInRegex: ESC is the character this pattern exists to find.
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]|\\u001[bB]\[[0-9;?]*[A-Za-z]/g;

/**
 * Removes terminal escape sequences. Called by `scrub` (results, alerts and log lines on their way out) and by
 * `oneLine` (every step message), so no report, log or status page ever shows `\u001b[2m`.
 */
export function stripAnsi(text: string): string {
  return text.includes('\u001b') || text.includes('\\u001') ? text.replace(ANSI, '') : text;
}

/** Shorter values would redact ordinary words; a secret this short is refused by config validation instead. */
export const MIN_SECRET_LENGTH = 4;

/** Passwords so common that they are also words of messages ("password", "secret"), whatever their length. */
const COMMON = new Set([
  'password',
  'passw0rd',
  'changeme',
  'secret',
  'welcome',
  'letmein',
  'qwerty',
  'admin',
  'monkey',
  'dragon',
  'sunshine',
]);

/**
 * A secret that could be an ordinary word or part of one: shorter than 8 characters, letters only and shorter than
 * 12 (a dictionary word), or a common password. Redacting it wherever it occurs would garble prose ("wrong
 * password?" → "[REDACTED] password?", "token" inside "tokens"); `prober validate` warns about it.
 */
export function isWeakSecret(value: string): boolean {
  return value.length < 8 || (/^[A-Za-z]+$/.test(value) && value.length < 12) || COMMON.has(value.toLowerCase());
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export class Redactor {
  private readonly values = new Set<string>();
  /** `values`, longest first; rebuilt only after an `add`, not for every string scrubbed. */
  private ordered: string[] | undefined;
  /** Weak secrets (see `isWeakSecret`): replaced only where they stand as a value, never inside or as a word of prose. */
  private readonly weak = new Set<string>();
  private weakPattern: RegExp | undefined;

  add(value: string | undefined): void {
    // Known already (a bearer token is marked again by every request that sends it): its forms were added then.
    if (value === undefined || value.length < MIN_SECRET_LENGTH || this.values.has(value) || this.weak.has(value))
      return;
    const base64 = Buffer.from(value, 'utf8').toString('base64');
    const forms = [value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value)];
    if (isWeakSecret(value)) {
      for (const form of forms) this.weak.add(form);
      this.weakPattern = undefined;
      // Its base64 is no word: redacted wherever it occurs.
      if (base64.length >= 8) this.addValue(base64);
      return;
    }
    for (const form of [...forms, base64]) this.addValue(form);
  }

  private addValue(form: string): void {
    if (form.length >= MIN_SECRET_LENGTH && !this.values.has(form)) {
      this.values.add(form);
      this.ordered = undefined;
    }
  }

  /** A redactor that knows the same values; what it learns later (a run's minted tokens) stays its own. */
  copy(): Redactor {
    const r = new Redactor();
    for (const v of this.values) r.values.add(v);
    for (const v of this.weak) r.weak.add(v);
    return r;
  }

  get size(): number {
    return this.values.size + this.weak.size;
  }

  scrub(text: string): string {
    let out = stripAnsi(text);
    // Longest first, so a secret that contains another is replaced whole.
    this.ordered ??= [...this.values].sort((a, b) => b.length - a.length);
    for (const v of this.ordered) {
      if (out.includes(v)) out = out.split(v).join(REDACTED);
    }
    if (this.weak.size > 0) out = this.scrubWeak(out);
    if (!MAY_MATCH.test(out)) return out;
    for (const [re, replacement] of PATTERNS) out = out.replace(re, replacement);
    return out;
  }

  /**
   * A weak secret is replaced where it stands as a value: the whole string, after `=` or `:` (a form body, a query, a
   * header, `user:pass@`), inside quotes, or right before `&`, `;`, `@` or a quote; never inside a longer word and
   * never as a word of a sentence, where it is the word.
   */
  private scrubWeak(text: string): string {
    let present = false;
    for (const v of this.weak) {
      if (text === v) return REDACTED;
      if (text.includes(v)) present = true;
    }
    if (!present) return text;
    if (this.weakPattern === undefined) {
      const alt = [...this.weak]
        .sort((a, b) => b.length - a.length)
        .map(escapeRe)
        .join('|');
      this.weakPattern = new RegExp(`([=:"'\`])(?:${alt})(?![A-Za-z0-9])|(?<![A-Za-z0-9])(?:${alt})(?=["'\`&;@])`, 'g');
    }
    return text.replace(this.weakPattern, (_m, before: string | undefined) => `${before ?? ''}${REDACTED}`);
  }

  /** A deep copy with every string scrubbed (keys included: header names are not secret, but cheap to be safe). */
  scrubDeep<T>(value: T): T {
    // Keys repeat (every step has a `status`, every request `timings`): each distinct one is scrubbed once per copy.
    const keys = new Map<string, string>();
    const scrubKey = (k: string) => {
      const known = keys.get(k);
      if (known !== undefined) return known;
      const out = this.scrub(k);
      keys.set(k, out);
      return out;
    };
    return walk(value, (s) => this.scrub(s), scrubKey) as T;
  }
}

function walk(value: unknown, fn: (s: string) => string, key: (k: string) => string): unknown {
  if (typeof value === 'string') return fn(value);
  if (value === null || typeof value !== 'object') return value;
  // Loops rather than entries/map/fromEntries: this copies every run's whole result, and the copies were its cost.
  if (Array.isArray(value)) {
    const out: unknown[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) out[i] = walk(value[i], fn, key);
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value)) out[key(k)] = walk((value as Record<string, unknown>)[k], fn, key);
  return out;
}
