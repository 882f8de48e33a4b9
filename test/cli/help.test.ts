import { describe, expect, it } from 'vitest';
import { renderCommandHelp, renderOverview } from '../../src/cli/help.js';
import { COMMAND_NAMES } from '../../src/cli/main.js';
import { parseCommand } from '../../src/cli/parse-command.js';
import { COMMAND_TABLES, tableFor } from '../../src/cli/tables/index.js';
import { runCli } from '../support/cli.js';

/** The `--flag` names a rendered help lists in its option rows (`  --retries N   …`, `  -h, --help`). */
function flagsInHelp(help: string): string[] {
  return [...help.matchAll(/^ {2}(?:-\w, )?--([a-z][a-z-]*)/gm)]
    .map((m) => m[1]!)
    .filter((f) => f !== 'help')
    .sort();
}

describe('help is generated from the command tables', () => {
  it('every command main.ts dispatches has a table, and every table but help is a command', () => {
    expect(COMMAND_NAMES.filter((c) => tableFor(c) === undefined)).toEqual([]);
    expect(COMMAND_TABLES.map((t) => t.name).filter((n) => n !== 'help' && !COMMAND_NAMES.includes(n))).toEqual([]);
  });

  it.each(COMMAND_TABLES.map((t) => [t.name, t] as const))(
    '%s: every flag of the table is in the help, and the help lists no other',
    (_name, table) => {
      expect(flagsInHelp(renderCommandHelp(table))).toEqual(Object.keys(table.flags).sort());
    },
  );

  it.each(COMMAND_TABLES.map((t) => [t.name, t] as const))(
    '%s: the parser accepts every flag of the table (so help and parser agree)',
    (_name, table) => {
      for (const [name, flag] of Object.entries(table.flags)) {
        // A flag's own check may refuse a made-up value; what must not happen is an "Unknown option".
        const args = flag.type === 'boolean' ? [`--${name}`] : [`--${name}`, 'x'];
        try {
          parseCommand(table, args);
        } catch (err) {
          expect((err as Error).message).not.toMatch(/Unknown option/);
        }
      }
    },
  );

  it.each(COMMAND_NAMES.map((c) => [c, c]))(
    'prober %s --help, -h and prober help %s: exit 0, the rendered table on stdout, nothing on stderr',
    async (command) => {
      const expected = renderCommandHelp(tableFor(command)!);
      for (const args of [
        [command, '--help'],
        [command, '-h'],
        ['help', command],
      ]) {
        const r = await runCli(args);
        expect({ args, code: r.code, stderr: r.stderr, stdout: r.stdout }).toEqual({
          args,
          code: 0,
          stderr: '',
          stdout: expected,
        });
      }
    },
  );

  it('prober --help and prober help: the overview from the tables, exit 0; it names every command and how to get help on one', async () => {
    for (const args of [['--help'], ['-h'], ['help']]) {
      const r = await runCli(args);
      expect({ args, code: r.code, stdout: r.stdout }).toEqual({
        args,
        code: 0,
        stdout: renderOverview(COMMAND_TABLES),
      });
    }
    for (const t of COMMAND_TABLES) expect(renderOverview(COMMAND_TABLES)).toContain(`prober ${t.name}`);
    expect(renderOverview(COMMAND_TABLES)).toContain('prober help COMMAND');
  });

  it('--help after other arguments still wins; an unknown help topic is exit 2 naming the commands', async () => {
    const r = await runCli(['run', 'golden-path-api', '--reporter', 'json', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: prober run');
    const bad = await runCli(['help', 'nope']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^prober help: unknown command "nope" \(commands: run, demo, .*init/);
  });

  it('a mistyped flag or command is one line with the nearest name and exit 2 (usage), before the command loads', async () => {
    const flag = await runCli(['run', '--retires', '2']);
    expect([flag.code, flag.stderr]).toEqual([
      2,
      "prober: prober run: Unknown option '--retires' (did you mean --retries?); see prober run --help\n",
    ]);
    const cmd = await runCli(['shedule']);
    expect(cmd.code).toBe(2);
    expect(cmd.stderr).toMatch(/^prober: unknown command "shedule" \(did you mean "schedule"\?/);
    const value = await runCli(['run', '--retries', 'many', '--retry-delay', '5', '--log-level', 'loud']);
    expect(value.code).toBe(2);
    expect(value.stderr.trim().split('\n')).toEqual([
      'prober: --retries: expected a whole number from 0 to 999, got "many"',
      'prober: --retry-delay: expected a duration with a unit such as 500ms, 30s or 5m, got "5"',
      'prober: --log-level: expected fatal, error, warn, info, debug, trace or silent, got "loud"',
    ]);
  });
});
