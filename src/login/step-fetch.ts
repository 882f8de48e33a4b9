import type { StepContext } from '../journey/define.js';

/**
 * The `fetch` openid-client uses, over `ctx.http`: its requests get the step's deadline, the journey's connection
 * pool and cookie jar, tagging and evidence, and a refused connection fails as `network` the way any request of the
 * step does. `failure` keeps the transport error itself: openid-client would otherwise wrap it in its own.
 */
export function stepFetch(ctx: StepContext<unknown>): {
  fetch: (url: string, init: FetchInit) => Promise<Response>;
  failure: () => unknown;
} {
  let failure: unknown;
  const fetch = async (url: string, init: FetchInit): Promise<Response> => {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(init.headers ?? {})) headers[name.toLowerCase()] = value;
    // The client's own Authorization (Basic client_secret_basic, a Bearer for userinfo) is a credential.
    const auth = headers.authorization;
    if (auth !== undefined) ctx.markSecret(auth.replace(/^\S+\s+/, ''));
    const body = init.body === undefined || init.body === null ? undefined : String(init.body);
    try {
      const res = await ctx.http.request(init.method ?? 'GET', url, {
        headers,
        ...(body === undefined ? {} : { body }),
        expect: 'any',
      });
      const text = await res.text();
      const out = new Headers();
      for (const [name, value] of Object.entries(res.headers)) {
        if (value === undefined) continue;
        for (const v of Array.isArray(value) ? value : [value]) out.append(name, v);
      }
      const empty = res.status === 204 || res.status === 304 || (res.status >= 100 && res.status < 200);
      return new Response(empty ? null : text, { status: res.status, headers: out });
    } catch (err) {
      failure = err;
      throw err;
    }
  };
  return { fetch, failure: () => failure };
}

export interface FetchInit {
  method?: string;
  headers?: Record<string, string>;
  body?: unknown;
}
