import type { StepContext } from '../journey/define.js';
import { StepFailure } from '../journey/errors.js';
import { queryOf } from '../steps/redirect-url.js';

/**
 * The authorization code flow in `ctx.page`: the probe's `fill` signs in on the provider's pages as a user would;
 * the navigation to the redirect_uri is intercepted and answered with an empty page, so the application behind it
 * is never loaded and cannot spend the code. A failed login shows as an error text or element (`loginFailed`) or an
 * `error` on the redirect: `auth`, in the provider's words.
 */
export async function signInInBrowser(
  ctx: StepContext<unknown>,
  authorizationUrl: string,
  redirectUri: string,
  fill: (page: StepContext['page']) => Promise<void>,
  loginFailed: { selector?: string; text?: string } | undefined,
): Promise<string> {
  const page = ctx.page;
  let resolveCaught: (url: string) => void = () => undefined;
  const caught = new Promise<string>((resolve) => {
    resolveCaught = resolve;
  });
  const matches = (url: URL) => url.toString().startsWith(redirectUri);
  const handler = async (route: { request(): { url(): string }; fulfill(o: object): Promise<void> }) => {
    const url = route.request().url();
    for (const [key, value] of Object.entries(queryOf(url)))
      if (key === 'code' || key === 'state') ctx.markSecret(value);
    resolveCaught(url);
    await route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>signed in</title>' });
  };
  await page.route(matches, handler);
  try {
    await page.goto(authorizationUrl);
    // The login error can show while `fill` still waits for a page that will not come (a consent button).
    const failed = loginFailed === undefined ? [] : [failureShown(page, loginFailed)];
    const filled = fill(page).then(() => undefined);
    const url = (await Promise.race([caught, filled, ...failed])) ?? (await Promise.race([caught, ...failed]));
    const query = queryOf(url);
    if (query.error !== undefined)
      throw new StepFailure(
        'auth',
        `the provider redirected with error=${query.error}${query.error_description ? `: ${query.error_description}` : ''}`,
      );
    return url;
  } finally {
    await page.unroute(matches, handler).catch(() => undefined);
  }
}

/** Rejects with `auth` once the page shows the login error; never settles otherwise (the step deadline ends it). */
async function failureShown(page: StepContext['page'], when: { selector?: string; text?: string }): Promise<never> {
  const locator = when.selector !== undefined ? page.locator(when.selector) : page.getByText(when.text ?? '');
  await locator.first().waitFor({ state: 'visible', timeout: 0 });
  const text = ((await locator.first().textContent()) ?? when.text ?? '').replace(/\s+/g, ' ').trim();
  throw new StepFailure('auth', `login failed: the page says "${text.slice(0, 200)}"`);
}
