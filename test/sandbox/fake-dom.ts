import { createContext, runInContext, type Context } from 'node:vm';
import WebSocket from 'ws';

/**
 * Just enough DOM to run the web UI's inline scripts in Node against a real sandbox: the
 * elements the scripts touch, sessionStorage, location, fetch and a WebSocket. It checks the
 * scripts' logic (requests, state, rendering), not the browser (CORS, layout) — no browser is
 * installed where these tests run.
 */
export class FakeElement {
  textContent = '';
  hidden = false;
  disabled = false;
  value = '';
  readonly dataset: Record<string, string> = {};
  readonly children: FakeElement[] = [];
  readonly #listeners = new Map<string, ((event: unknown) => unknown)[]>();

  addEventListener(type: string, listener: (event: unknown) => unknown): void {
    this.#listeners.set(type, [...(this.#listeners.get(type) ?? []), listener]);
  }

  async dispatch(type: string, event: unknown): Promise<void> {
    for (const listener of this.#listeners.get(type) ?? []) await listener(event);
  }

  appendChild(child: FakeElement): FakeElement {
    this.children.push(child);
    return child;
  }

  /** Supports the one selector shape the chat page uses: [data-role="x"][data-nonce="y"]. */
  querySelector(selector: string): FakeElement | null {
    const wanted = Object.fromEntries(
      [...selector.matchAll(/\[data-(\w+)="([^"]*)"\]/g)].map((m) => [m[1] ?? '', m[2] ?? '']),
    );
    return this.children.find((c) => Object.entries(wanted).every(([k, v]) => c.dataset[k] === v)) ?? null;
  }
}

export interface FakePage {
  elements: Map<string, FakeElement>;
  element(id: string): FakeElement;
  storage: Map<string, string>;
  navigations: string[];
  sockets: WebSocket[];
  context: Context;
}

export function runPage(html: string, search: string, storage = new Map<string, string>()): FakePage {
  const elements = new Map<string, FakeElement>();
  const element = (id: string): FakeElement => {
    let el = elements.get(id);
    if (el === undefined) {
      el = new FakeElement();
      elements.set(id, el);
    }
    return el;
  };
  // Mirror the markup's initial `hidden` attributes, which the scripts rely on.
  for (const match of html.matchAll(/<[^>]*\bid="([^"]+)"[^>]*\bhidden\b[^>]*>/g))
    element(match[1] ?? '').hidden = true;
  const navigations: string[] = [];
  const sockets: WebSocket[] = [];
  class PageWebSocket extends WebSocket {
    constructor(url: string, protocols: string[]) {
      super(url, protocols);
      sockets.push(this);
    }
  }
  const context = createContext({
    window: {},
    document: { getElementById: element, createElement: () => new FakeElement() },
    sessionStorage: {
      getItem: (k: string) => storage.get(k) ?? null,
      setItem: (k: string, v: string) => storage.set(k, v),
      removeItem: (k: string) => storage.delete(k),
    },
    location: {
      search,
      assign: (url: string) => navigations.push(url),
      replace: (url: string) => navigations.push(url),
    },
    fetch,
    crypto: globalThis.crypto,
    CSS: { escape: (s: string) => s },
    URLSearchParams,
    WebSocket: PageWebSocket,
    JSON,
    Error,
  });
  runInContext('var SANDBOX; window = globalThis;', context);
  for (const script of [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1] ?? '')) {
    runInContext(script, context);
  }
  return { elements, element, storage, navigations, sockets, context };
}
