import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { addTypescript } from '../init-package-json.js';
import { GITIGNORE_LINES, SCAFFOLD, type ScaffoldFile } from '../init-templates.js';

export type InitAction = 'created' | 'unchanged' | 'kept' | 'updated';

/**
 * What init does with one file: writes it when absent, leaves an identical one alone, and never overwrites a file
 * that differs (it is the user's now). Pure, so the table test covers every case.
 */
export function initAction(existing: string | undefined, wanted: string): InitAction {
  if (existing === undefined) return 'created';
  return existing === wanted ? 'unchanged' : 'kept';
}

/** `.gitignore` with the missing lines appended; existing lines and their order are kept. */
export function withGitignoreLines(existing: string | undefined, lines: readonly string[]): string {
  const text = existing ?? '';
  const have = new Set(text.split(/\r?\n/).map((l) => l.trim()));
  const missing = lines.filter((l) => !have.has(l) && !have.has(l.replace(/\/$/, '')));
  if (missing.length === 0) return text;
  const sep = text === '' || text.endsWith('\n') ? '' : '\n';
  return `${text}${sep}${missing.join('\n')}\n`;
}

function readOrUndefined(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}

export function scaffold(
  dir: string,
  files: readonly ScaffoldFile[] = SCAFFOLD,
): { path: string; action: InitAction }[] {
  const out: { path: string; action: InitAction }[] = [];
  for (const f of files) {
    const full = join(dir, f.path);
    const action = initAction(readOrUndefined(full), f.content);
    if (action === 'created') {
      mkdirSync(dirname(full), { recursive: true });
      writeFileSync(full, f.content, { flag: 'wx' });
    }
    out.push({ path: f.path, action });
  }
  const ignorePath = join(dir, '.gitignore');
  const before = readOrUndefined(ignorePath);
  const after = withGitignoreLines(before, GITIGNORE_LINES);
  if (after !== (before ?? '')) writeFileSync(ignorePath, after);
  out.push({
    path: '.gitignore',
    action: before === undefined ? 'created' : after === before ? 'unchanged' : 'updated',
  });
  return out;
}

const LABEL: Record<InitAction, string> = {
  created: 'wrote    ',
  unchanged: 'unchanged',
  kept: 'kept     ',
  updated: 'updated  ',
};

/** `prober init`: scaffolds a working project in the current folder, then prints the next two commands. */
export async function initCommand(args?: { values?: { 'from-playwright'?: boolean | undefined } }): Promise<number> {
  if (args?.values?.['from-playwright'] === true)
    return (await import('../init-from-playwright.js')).initFromPlaywright(process.cwd(), (l) =>
      process.stdout.write(`${l}\n`),
    );
  const results = scaffold(process.cwd());
  for (const r of results) {
    const note =
      r.action === 'kept' ? ' (exists and differs; not overwritten)' : r.action === 'updated' ? ' (entries added)' : '';
    process.stdout.write(`  ${LABEL[r.action]} ${r.path}${note}\n`);
  }
  const typescript = addTypescript(process.cwd());
  if (typescript !== undefined) process.stdout.write(`  ${LABEL.updated} ${typescript}\n`);
  process.stdout.write(
    [
      '',
      'Next, try the journeys on the bundled staging:',
      '  npx prober sandbox                                            # leave it running',
      '  PROBER_PASSWORD=sandbox-password-not-secret npx prober run    # in a second terminal',
      '',
    ].join('\n'),
  );
  return 0;
}
