import type { StepContext } from '../journey/define.js';
import { StepFailure } from '../journey/errors.js';
import type { HtmlForm, HttpResponse } from '../journey/step-clients.js';

/** The fields to fill on the provider's pages (each page gets those it has), and the button to press. */
export interface LoginFill {
  fill: Readonly<Record<string, string>>;
  submitter?: string;
  /** Most pages (login, second factor, consent) before the provider must have redirected back. Default 5. */
  maxPages?: number;
}

/**
 * Signs in through the provider's HTML pages with the form helper and returns the redirect_uri URL the provider sent
 * the browser to (never fetched). Every form read from a page of this flow submits with the chain stopping at the
 * redirect_uri, so a login function written by the probe needs no redirect options.
 */
export async function signInHeadless(
  ctx: StepContext<unknown>,
  authorizationUrl: string,
  redirectUri: string,
  login: LoginFill | ((page: HttpResponse) => Promise<HttpResponse>),
): Promise<string> {
  const stopping = (res: HttpResponse): HttpResponse => ({
    ...res,
    form: async (pick) => stopForm(await res.form(pick)),
  });
  const stopForm = (form: HtmlForm): HtmlForm => ({
    ...form,
    submit: async (fill, options) => stopping(await form.submit(fill, { stopAt: redirectUri, ...options })),
  });
  let page = stopping(await ctx.http.get(authorizationUrl, { redirect: 'follow', stopAt: redirectUri }));
  if (typeof login === 'function') page = await login(page);
  else {
    for (let i = 0; page.stoppedAt === undefined && i < (login.maxPages ?? 5); i++) {
      const form = await page.form();
      const fill = Object.fromEntries(Object.entries(login.fill).filter(([name]) => form.fields.includes(name)));
      page = await form.submit(fill, login.submitter === undefined ? {} : { submitter: login.submitter });
    }
  }
  const stopped = page.stoppedAt;
  if (stopped === undefined) {
    const u = new URL(page.url);
    throw new StepFailure(
      'contract',
      `the sign-in never redirected to the redirect_uri: it ended at ${u.origin}${u.pathname} (HTTP ${page.status})`,
    );
  }
  const { error, error_description: description } = stopped.query;
  if (error !== undefined)
    throw new StepFailure(
      'auth',
      `the provider redirected with error=${error}${description ? `: ${description}` : ''}`,
    );
  return stopped.url;
}
