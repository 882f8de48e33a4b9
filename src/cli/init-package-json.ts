import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/**
 * `prober init` makes sure the project lists `typescript` in devDependencies, so the scaffold's `npx tsc --noEmit`
 * runs the real compiler (without it, npx offers the unrelated `tsc` package). golden-path-prober declares
 * typescript as a peer dependency, so npm has already installed it; this records it in the user's package.json.
 */
export const TYPESCRIPT_FALLBACK_RANGE = '>=5.0';

/** package.json text with `name` added to devDependencies, or undefined when any dependency list has it already. */
export function withDevDependency(text: string, name: string, range: string): string | undefined {
  const pkg = JSON.parse(text) as Record<string, unknown>;
  const lists = ['dependencies', 'devDependencies', 'optionalDependencies'] as const;
  if (lists.some((l) => typeof pkg[l] === 'object' && pkg[l] !== null && name in (pkg[l] as object))) return undefined;
  const dev = { ...((pkg.devDependencies as Record<string, string> | undefined) ?? {}), [name]: range };
  pkg.devDependencies = Object.fromEntries(Object.entries(dev).sort(([a], [b]) => a.localeCompare(b)));
  const indent = /^[ \t]+(?=")/m.exec(text)?.[0] ?? '  ';
  return `${JSON.stringify(pkg, null, indent)}\n`;
}

/** The installed typescript's version as a caret range, else the fallback. */
function typescriptRange(dir: string): string {
  try {
    const manifest = createRequire(join(dir, 'package.json')).resolve('typescript/package.json');
    return `^${(JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version}`;
  } catch {
    return TYPESCRIPT_FALLBACK_RANGE;
  }
}

/** Adds typescript to `dir/package.json`; says what it did, or undefined when there was nothing to do. */
export function addTypescript(dir: string): string | undefined {
  const path = join(dir, 'package.json');
  if (!existsSync(path)) return undefined;
  const updated = withDevDependency(readFileSync(path, 'utf8'), 'typescript', typescriptRange(dir));
  if (updated === undefined) return undefined;
  writeFileSync(path, updated);
  return 'package.json (typescript added to devDependencies)';
}
