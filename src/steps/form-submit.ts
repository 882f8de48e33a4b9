import { StepFailure } from '../journey/errors.js';
import type {
  FormSubmitOptions,
  HtmlForm,
  HttpClient,
  HttpRequestOptions,
  HttpResponse,
  LoginFailedWhen,
} from '../journey/step-clients.js';
import { formsOn, type ParsedForm, textOf } from './form-read.js';
import { safeUrl } from './scope.js';

/**
 * Submitting a form as a browser does (its hidden fields kept, the fields a probe names filled, the submit button's
 * name sent), then seeing a failed login from the application's own answer: the login form back, an `error` on the
 * redirect, or a text or element on the page. A failed login is `auth` in the application's words, not a later
 * step's puzzling 401.
 */

/** Where login pages put their error text: ARIA alerts first, then the class names common IdPs use. */
const ERROR_TEXT =
  '[role=alert], .alert-error, .kc-feedback-text, #input-error, .error-message, .error, .alert, .flash';

export function htmlForm(form: ParsedForm, client: HttpClient, markSecret: (v: string) => void): HtmlForm {
  return {
    action: form.action,
    method: form.method,
    fields: form.names,
    value: (name) => form.entries.find(([n]) => n === name)?.[1],
    submit: (fill = {}, options = {}) => submitForm(form, fill, options, client, markSecret),
  };
}

async function submitForm(
  form: ParsedForm,
  fill: Readonly<Record<string, string>>,
  options: FormSubmitOptions,
  client: HttpClient,
  markSecret: (v: string) => void,
): Promise<HttpResponse> {
  const { submitter: pressed, loginFailed, ...request } = options;
  const unknown = Object.keys(fill).filter((n) => !form.names.includes(n));
  if (unknown.length > 0)
    throw new StepFailure(
      'contract',
      `the form ${form.label} has no field ${unknown.map((n) => JSON.stringify(n)).join(', ')}; its fields: ${form.names.join(', ') || 'none'}`,
    );
  const button =
    pressed === undefined ? form.submitters[0] : form.submitters.find((s) => s.name === pressed || s.value === pressed);
  if (pressed !== undefined && button === undefined)
    throw new StepFailure(
      'contract',
      `the form ${form.label} has no submit button ${JSON.stringify(pressed)}; its buttons: ${form.submitters.map((s) => `${s.name}=${s.value}`).join(', ') || 'none'}`,
    );
  const entries = filled(form, fill);
  // Hidden values (CSRF tokens, an IdP's session_code) are credentials of the session: redacted from here on.
  for (const [, value] of entries) if (value.length >= 16 && !/\s/.test(value)) markSecret(value);
  if (button !== undefined) entries.push([button.name, button.value]);
  const method = button?.formmethod === 'POST' || button?.formmethod === 'GET' ? button.formmethod : form.method;
  const action = button?.formaction ?? form.action;
  const sent: HttpRequestOptions = { redirect: 'follow', ...request };
  const res =
    method === 'GET'
      ? await client.get(withEntries(action, entries), sent)
      : await client.request('POST', action, { ...sent, form: asParams(entries) });
  const when = loginFailed === false ? undefined : { formReturns: form.hasPassword, ...loginFailed };
  if (when !== undefined) await checkLogin(form, res, when, `${method} ${safeUrl(action)}`);
  return res;
}

/** The form's entries with `fill` applied: a filled name replaces its first entry (an unchecked box gains one). */
function filled(form: ParsedForm, fill: Readonly<Record<string, string>>): [string, string][] {
  const out: [string, string][] = [];
  const done = new Set<string>();
  for (const [name, value] of form.entries) {
    if (!(name in fill)) out.push([name, value]);
    else if (!done.has(name)) {
      out.push([name, fill[name] ?? '']);
      done.add(name);
    }
  }
  for (const [name, value] of Object.entries(fill)) if (!done.has(name)) out.push([name, value]);
  return out;
}

function withEntries(action: string, entries: readonly [string, string][]): string {
  const u = new URL(action);
  u.search = new URLSearchParams(entries as [string, string][]).toString();
  return u.toString();
}

function asParams(entries: readonly [string, string][]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, value] of entries) {
    const values = out[name] ?? [];
    values.push(value);
    out[name] = values;
  }
  return out;
}

/** Fails as `auth`, in the application's words, when its answer says the login failed. */
async function checkLogin(form: ParsedForm, res: HttpResponse, when: LoginFailedWhen, what: string): Promise<void> {
  const param = when.param ?? 'error';
  const query = res.stoppedAt?.query ?? Object.fromEntries(new URL(res.url).searchParams);
  const error = query[param];
  if (error !== undefined) {
    const description = query[`${param}_description`];
    const said = description === undefined ? error : `${error}: ${description}`;
    throw new StepFailure('auth', `login failed: ${what} redirected with ${param}=${said}`);
  }
  if (res.stoppedAt !== undefined) return;
  const type = String(res.headers['content-type'] ?? '');
  if (!/html/i.test(type)) return;
  const html = await res.text();
  if (when.selector !== undefined) {
    const text = await textOf(html, when.selector);
    if (text !== undefined) throw new StepFailure('auth', `login failed: ${what}: the page says "${clip(text)}"`);
  }
  if (when.text !== undefined) {
    const found =
      typeof when.text === 'string' ? (html.includes(when.text) ? when.text : undefined) : when.text.exec(html)?.[0];
    if (found !== undefined) throw new StepFailure('auth', `login failed: ${what}: the page says "${clip(found)}"`);
  }
  if (when.formReturns === true) {
    const wanted = form.names.filter((n) => form.entries.some(([e]) => e === n));
    const back = (await formsOn(html, res.url)).some((f) => f.hasPassword && wanted.every((n) => f.names.includes(n)));
    if (back) {
      const text = await textOf(html, ERROR_TEXT);
      const said = text === undefined ? 'with no error text' : `saying "${clip(text)}"`;
      throw new StepFailure('auth', `login failed: ${what}: the login form came back (HTTP ${res.status}) ${said}`);
    }
  }
}

function clip(text: string): string {
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}
