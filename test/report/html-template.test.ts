import { describe, expect, it } from 'vitest';
import { escapeText, html, joinHtml } from '../../src/report/html-template.js';

describe('html: the one auto-escaping template of the HTML producers', () => {
  const hostile = `"><script>alert('x')</script>&`;
  it.each([
    [
      'a value is text, in content and in attributes',
      () => html`<p title="${hostile}">${hostile}</p>`,
      '<p title="&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;">&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;</p>',
    ],
    [
      'nested html stays markup, its values escaped once',
      () => html`<b>${html`<i>${'<'}</i>`}</b>`,
      '<b><i>&lt;</i></b>',
    ],
    [
      'arrays are concatenated, each part by the same rule',
      () => html`<ul>${['<a>', html`<li>ok</li>`]}</ul>`,
      '<ul>&lt;a&gt;<li>ok</li></ul>',
    ],
    [
      'undefined, null and false render as nothing; numbers and 0 as text',
      () => html`${undefined}${null}${false}${0}${1.5}`,
      '01.5',
    ],
    [
      'joinHtml escapes a string separator, keeps an html one',
      () => html`${joinHtml([html`a`, html`b`], '<br>')}|${joinHtml([html`a`, html`b`], html`<br>`)}`,
      'a&lt;br&gt;b|a<br>b',
    ],
  ] as const)('%s', (_name, build, expected) => {
    expect(String(build())).toBe(expected);
  });

  it('Markdown cells escape tags but keep quotes readable', () => {
    expect(escapeText(hostile)).toBe(`"&gt;&lt;script&gt;alert('x')&lt;/script&gt;&amp;`);
  });
});
