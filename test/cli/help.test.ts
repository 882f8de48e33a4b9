import { describe, expect, it } from 'vitest';
import { COMMAND_HELP } from '../../src/cli/command-help.js';
import { COMMAND_NAMES } from '../../src/cli/main.js';
import { runCli } from '../support/cli.js';

describe('help for every command', () => {
  it('every command main.ts dispatches has its own help entry', () => {
    expect(COMMAND_NAMES.filter((c) => COMMAND_HELP[c] === undefined)).toEqual([]);
  });

  it.each(COMMAND_NAMES.map((c) => [c, c]))('%s --help, -h and prober help %s: exit 0, the usage on stdout, nothing on stderr', async (command) => {
    const ways = [[command, '--help'], [command, '-h'], ['help', command]];
    for (const args of ways) {
      const r = await runCli(args);
      expect({ args, code: r.code, stderr: r.stderr }).toEqual({ args, code: 0, stderr: '' });
      expect(r.stdout).toContain(`Usage: prober ${command}`);
    }
  });

  it('--help after other arguments still wins; an unknown help topic is exit 2 naming the commands', async () => {
    const r = await runCli(['run', 'golden-path-api', '--reporter', 'json', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: prober run');
    const bad = await runCli(['help', 'nope']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^prober help: unknown command "nope" \(commands: run, demo, .*init/);
  });

  it('prober --help lists init and how to get help on one command', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('prober init');
    expect(r.stdout).toContain('prober help COMMAND');
  });
});
