import { describe, expect, it } from 'vitest';
import { namesUsedInSource, sourceNameProblems } from '../../src/config/check-source-names.js';
import { problemLine } from '../../src/config/problems.js';

describe('names a journey uses, as validate sees them', () => {
  it.each([
    ['ctx.target(\'auth\') + ctx.target("web")', { target: ['auth', 'web'], secret: [], variable: [] }],
    [
      "ctx.secret('password'); ctx.variable(`email`); ctx.secret('password')",
      { target: [], secret: ['password'], variable: ['email'] },
    ],
    ['ctx.target(s.service); ctx.target(`${x}`)', { target: [], secret: [], variable: [] }],
    ["ctx.targets('a'); myctx.target('b')", { target: [], secret: [], variable: [] }],
  ])('%s', (source, used) => {
    expect(namesUsedInSource(source)).toEqual(used);
  });

  it('an unknown name is one line with the file, a suggestion and the known names', () => {
    const config = {
      targets: { auth: 'http://a', backend: 'http://b' },
      secrets: { password: '${env:P}' },
      variables: {},
    };
    const source = "ctx.target('backnd'); ctx.secret('password'); ctx.variable('email')";
    expect(sourceNameProblems(config, ['probes/j.ts'], () => source).map(problemLine)).toEqual([
      `probes/j.ts: ctx.target('backnd') names no target in the config (did you mean "backend"?); known: auth, backend`,
      "probes/j.ts: ctx.variable('email') names no variable in the config; known: none",
    ]);
  });
});
