import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * The documentation a user reads: README.md, every page under docs/ (found by walking the folder, so pages others
 * add later are covered without editing a list) and bench/README.md. Paths are relative to the repository root.
 */
export function docFiles(root: string): string[] {
  const pages: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.md')) pages.push(relative(root, path));
    }
  };
  walk(join(root, 'docs'));
  return ['README.md', ...pages.sort(), 'bench/README.md'];
}

/** Pages written for people changing the prober itself: they may cite `src/` files. */
export const MAINTAINER_PAGES = new Set(['docs/contributing.md', 'docs/architecture.md', 'bench/README.md']);

export interface CodeBlock {
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** The info string's first word (`ts`, `sh`, `json`, or '' for none). */
  lang: string;
  /** The info string's other words: `fragment` (not a whole module, not type-checked), `run` (run against the sandbox). */
  flags: string[];
  code: string;
}

/** Every fenced block of a Markdown text, with its language and flags. Indented fences (in a list) count too. */
export function codeBlocks(file: string, text: string): CodeBlock[] {
  const lines = text.split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```(\S*)(.*)$/.exec(lines[i] ?? '');
    if (open === null) continue;
    const indent = open[1]?.length ?? 0;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !/^\s*```\s*$/.test(lines[j] ?? ''); j++) body.push((lines[j] ?? '').slice(indent));
    blocks.push({
      file,
      line: i + 1,
      lang: open[2] ?? '',
      flags: (open[3] ?? '').trim().split(/\s+/).filter(Boolean),
      code: `${body.join('\n')}\n`,
    });
    i = j;
  }
  return blocks;
}

/** Text outside code blocks, for link and citation checks. */
export function prose(text: string): string {
  return text.replace(/^\s*```[\s\S]*?^\s*```\s*$/gm, '');
}

export function read(root: string, file: string): string {
  return readFileSync(join(root, file), 'utf8');
}
