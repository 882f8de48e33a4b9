/**
 * XML 1.0 text and attribute escaping. Characters XML cannot carry at all (most C0 controls, lone surrogates)
 * are replaced, because a single one makes Jenkins and GitLab reject the whole report.
 */
export function xmlEscape(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}
