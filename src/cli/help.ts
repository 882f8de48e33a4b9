import type { CommandTable, FlagSpec } from './command-table.js';

/**
 * `prober --help`, `prober help CMD`, `prober CMD --help` / `-h`: rendered from the command tables, so every flag a
 * command accepts is in its help and nothing else is (test/cli/help-tables.test.ts compares the two).
 */

const COLUMN = 24;

/** `prober run [JOURNEY...] [options]`. */
export function usageLine(table: CommandTable): string {
  const p = table.positional;
  const positional =
    p === undefined || table.sub !== undefined ? '' : ` [${p.name}${p.multiple === true ? '...' : ''}]`;
  const options = Object.keys(table.flags).length === 0 ? '' : ' [options]';
  return `prober ${table.name}${table.sub === undefined ? '' : ` ${table.sub}`}${positional}${options}`;
}

/** `--retries N`, `--allow-flaky`, `-c, --config F`. */
export function flagLabel(name: string, flag: FlagSpec): string {
  const short = flag.short === undefined ? '' : `-${flag.short}, `;
  return `${short}--${name}${flag.arg === undefined ? '' : ` ${flag.arg}`}`;
}

/** The default a flag's check fills in when it is absent, for the help (only when the help text does not say it). */
function defaultNote(flag: FlagSpec): string {
  if (/default/i.test(flag.help)) return '';
  const absent = flag.check.safeParse(undefined);
  const value = absent.success ? absent.data : undefined;
  return typeof value === 'string' || (typeof value === 'number' && value !== 0) ? ` (default: ${value})` : '';
}

function row(label: string, text: string): string {
  return label.length + 2 >= COLUMN
    ? `  ${label}\n${' '.repeat(COLUMN + 2)}${text}`
    : `  ${label.padEnd(COLUMN)}${text}`;
}

export function renderCommandHelp(table: CommandTable): string {
  const lines = [`Usage: ${usageLine(table)}`, '', ...table.description];
  const p = table.positional;
  if (p !== undefined && table.sub === undefined)
    lines.push('', 'Arguments:', row(`${p.name}${p.multiple === true ? '...' : ''}`, p.help));
  const sections = new Map<string, string[]>([['Options', []]]);
  for (const [name, flag] of Object.entries(table.flags)) {
    const heading = flag.section ?? 'Options';
    sections.set(heading, [
      ...(sections.get(heading) ?? []),
      row(flagLabel(name, flag), `${flag.help}${defaultNote(flag)}`),
    ]);
  }
  sections.get('Options')!.push(row('-h, --help', 'this help'));
  for (const [heading, rows] of sections) lines.push('', `${heading}:`, ...rows);
  if (table.footer !== undefined) lines.push('', ...table.footer);
  return `${lines.join('\n')}\n`;
}

export function renderOverview(tables: readonly CommandTable[]): string {
  const width = Math.max(...tables.map((t) => usageLine(t).length)) + 2;
  return [
    'prober — synthetic end-to-end prober: can users log in and chat?',
    '',
    'Usage:',
    ...tables.map((t) => `  ${usageLine(t).padEnd(width)}${t.summary}`),
    '',
    'Help on one command: prober help COMMAND, or prober COMMAND --help (or -h).',
    '',
    'Exit codes: 0 passed (or degraded), 1 a journey failed (or was flaky), 2 the prober could not judge (config, probe bug,',
    'browser, bad arguments), 3 an expected version never went live, 130/143 interrupted.',
    '',
  ].join('\n');
}

/** True when the arguments ask for help rather than for the command (before `--`, which ends options). */
export function wantsHelp(argv: readonly string[]): boolean {
  for (const a of argv) {
    if (a === '--') return false;
    if (a === '--help' || a === '-h') return true;
  }
  return false;
}
