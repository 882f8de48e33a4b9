const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text and double- or single-quoted attribute values: a failing service can echo anything into a result. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** Text outside attributes only (Markdown that renders inline HTML keeps its quotes readable). */
export function escapeText(text: string): string {
  return text.replace(/[&<>]/g, (c) => ESCAPES[c] ?? c);
}

/** Markup that is already safe: built by `html`, never by concatenating strings. */
export class Html {
  readonly #markup: string;
  constructor(markup: string) {
    this.#markup = markup;
  }
  toString(): string {
    return this.#markup;
  }
}

type Part = Html | string | number | boolean | null | undefined | readonly Part[];

function render(value: Part): string {
  if (value instanceof Html) return value.toString();
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === undefined || value === null || value === false) return '';
  return escapeHtml(String(value));
}

/**
 * The one way HTML is written (HTML report, status page, its SVG charts): every interpolated value is escaped
 * unless it is itself `html`, arrays are concatenated, and `undefined`/`null`/`false` render as nothing. So a value
 * from a result can only ever be text, whichever producer forgets what.
 */
export function html(strings: TemplateStringsArray, ...values: readonly Part[]): Html {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    out += render(v) + (strings[i + 1] ?? '');
  });
  return new Html(out);
}

/** Fragments joined with a separator (`<br>`, a newline). */
export function joinHtml(parts: readonly Html[], separator: Html | string = ''): Html {
  return new Html(parts.map(String).join(render(separator)));
}
