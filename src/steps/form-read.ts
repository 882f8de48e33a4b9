import { StepFailure } from '../journey/errors.js';
import type { FormPick } from '../journey/step-clients.js';

/**
 * Reads an HTML form the way a browser submits it, with cheerio (parse5 underneath, so the tree is the one a browser
 * builds: `&amp;` in an action, unclosed `<p>`s and attribute quirks of a real IdP's page come out right; its CSS
 * selectors pick the form). Loaded on first use: journeys that never read a form never load a parser.
 */

/** A form as read: where and how it submits, and its successful controls' current values (hidden CSRF fields too). */
export interface ParsedForm {
  /** The action resolved against the page's URL (the page itself when the form has none). */
  readonly action: string;
  readonly method: 'GET' | 'POST';
  /** Every control's name with its value as the browser would send it, in document order (repeats kept). */
  readonly entries: readonly [string, string][];
  /** Every name a probe may fill: text, hidden, password, select, textarea, checkbox and radio controls. */
  readonly names: readonly string[];
  /** Named submit buttons (`name`, `value`), the first one being what pressing Enter sends. */
  readonly submitters: readonly { name: string; value: string; formaction?: string; formmethod?: string }[];
  /** Whether it has a password or one-time-code field: a login (or second-factor) form. */
  readonly hasPassword: boolean;
  /** How it was found, for messages: `#kc-form-login`, `form[2]`. */
  readonly label: string;
}

type Cheerio = typeof import('cheerio');
let cheerio: Promise<Cheerio> | undefined;
const loadCheerio = () => (cheerio ??= import('cheerio'));

const ONE_TIME_CODE = /^(otp|totp|one[-_]?time[-_]?code|mfa[-_]?code|otp[-_]?code|totp[-_]?code)$/i;
const NOT_SENT = new Set(['submit', 'button', 'image', 'reset', 'file']);

/** The form `pick` names on the page at `pageUrl`; none matching fails as `contract`, listing the forms there. */
export async function readForm(
  html: string,
  pageUrl: string,
  pick: FormPick | string | undefined,
): Promise<ParsedForm> {
  const $ = (await loadCheerio()).load(html);
  const forms = $('form')
    .toArray()
    .map((el, i) => parse($, el, i, pageUrl));
  const chosen = choose($, forms, pick);
  if (chosen !== undefined) return chosen;
  const seen = forms.length === 0 ? 'none' : forms.map((f) => `${f.label} (${f.names.join(', ')})`).join('; ');
  throw new StepFailure(
    'contract',
    `no form ${describePick(pick)} on ${new URL(pageUrl).origin}${new URL(pageUrl).pathname}; forms there: ${seen}`,
  );
}

/** The forms on a page, for a check that a login form came back. */
export async function formsOn(html: string, pageUrl: string): Promise<ParsedForm[]> {
  const $ = (await loadCheerio()).load(html);
  return $('form')
    .toArray()
    .map((el, i) => parse($, el, i, pageUrl));
}

/** The visible text of the first element `selector` matches, on one line; undefined when none does or it is empty. */
export async function textOf(html: string, selector: string): Promise<string | undefined> {
  const $ = (await loadCheerio()).load(html);
  for (const el of $(selector).toArray()) {
    const text = $(el).text().replace(/\s+/g, ' ').trim();
    if (text !== '') return text;
  }
  return undefined;
}

type Api = ReturnType<Cheerio['load']>;
type El = Parameters<Api>[0] & { tagName?: string };

function parse($: Api, form: El, index: number, pageUrl: string): ParsedForm {
  const f = $(form);
  const id = f.attr('id');
  const name = f.attr('name');
  const label = id ? `#${id}` : name ? `form[name=${name}]` : `form[${index + 1}]`;
  const method = (f.attr('method') ?? 'get').toLowerCase() === 'post' ? 'POST' : 'GET';
  const action = resolve(f.attr('action'), pageUrl);
  const entries: [string, string][] = [];
  const names: string[] = [];
  const submitters: ParsedForm['submitters'][number][] = [];
  let hasPassword = false;
  for (const el of f.find('input, select, textarea, button').toArray() as El[]) {
    const c = $(el);
    const n = c.attr('name');
    const tag = (el.tagName ?? '').toLowerCase();
    const type = (c.attr('type') ?? (tag === 'button' ? 'submit' : 'text')).toLowerCase();
    // A password or a one-time code: a form that comes back after submitting means the login failed.
    if (type === 'password' || c.attr('autocomplete') === 'one-time-code' || ONE_TIME_CODE.test(n ?? ''))
      hasPassword = true;
    if (n === undefined || n === '' || c.attr('disabled') !== undefined) continue;
    if (type === 'submit' || type === 'image') {
      const formaction = c.attr('formaction');
      const formmethod = c.attr('formmethod');
      submitters.push({
        name: n,
        value: c.attr('value') ?? '',
        ...(formaction === undefined ? {} : { formaction: resolve(formaction, pageUrl) }),
        ...(formmethod === undefined ? {} : { formmethod: formmethod.toUpperCase() }),
      });
      continue;
    }
    if (NOT_SENT.has(type)) continue;
    if (!names.includes(n)) names.push(n);
    if (tag === 'select') {
      const selected = c.find('option[selected]').first();
      const option = selected.length > 0 ? selected : c.find('option').first();
      if (option.length > 0) entries.push([n, option.attr('value') ?? option.text()]);
    } else if (tag === 'textarea') entries.push([n, c.text()]);
    else if (type === 'checkbox' || type === 'radio') {
      if (c.attr('checked') !== undefined) entries.push([n, c.attr('value') ?? 'on']);
    } else entries.push([n, c.attr('value') ?? '']);
  }
  return { action, method, entries, names, submitters, hasPassword, label };
}

function choose($: Api, forms: ParsedForm[], pick: FormPick | string | undefined): ParsedForm | undefined {
  if (typeof pick === 'string' || pick?.selector !== undefined) {
    const selector = typeof pick === 'string' ? pick : (pick?.selector ?? '');
    const all: unknown[] = $('form').toArray();
    // The selector may name the form, a box around it, or a field inside it.
    const first = $(selector).first();
    const form = first.is('form')
      ? first
      : first.find('form').length > 0
        ? first.find('form').first()
        : first.closest('form');
    const match: unknown = form.toArray()[0];
    const index = match === undefined ? -1 : all.indexOf(match);
    return index === -1 ? undefined : forms[index];
  }
  if (pick?.id !== undefined) return forms.find((f) => f.label === `#${pick.id}`);
  if (pick?.containing !== undefined) return forms.find((f) => f.names.includes(pick.containing ?? ''));
  // No pick: the only form, or the login form among several.
  return forms.length === 1 ? forms[0] : (forms.find((f) => f.hasPassword) ?? forms[0]);
}

function describePick(pick: FormPick | string | undefined): string {
  if (typeof pick === 'string') return `matching ${JSON.stringify(pick)}`;
  if (pick?.selector !== undefined) return `matching ${JSON.stringify(pick.selector)}`;
  if (pick?.id !== undefined) return `with id ${JSON.stringify(pick.id)}`;
  if (pick?.containing !== undefined) return `containing a field ${JSON.stringify(pick.containing)}`;
  return 'at all';
}

function resolve(action: string | undefined, pageUrl: string): string {
  const base = new URL(pageUrl);
  base.hash = '';
  if (action === undefined || action.trim() === '') return base.toString();
  try {
    return new URL(action.trim(), base).toString();
  } catch {
    throw new StepFailure('contract', `the form's action ${JSON.stringify(action.slice(0, 80))} is not a URL`);
  }
}
