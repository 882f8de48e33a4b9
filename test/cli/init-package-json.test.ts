import { describe, expect, it } from 'vitest';
import { withDevDependency } from '../../src/cli/init-package-json.js';

describe('prober init adds typescript to devDependencies', () => {
  it.each([
    ['none yet', '{\n  "name": "p"\n}\n', { name: 'p', devDependencies: { typescript: '^5.9.3' } }],
    [
      'kept in order among others',
      '{"name":"p","devDependencies":{"vitest":"^4","@types/node":"^24"}}',
      { name: 'p', devDependencies: { '@types/node': '^24', typescript: '^5.9.3', vitest: '^4' } },
    ],
  ])('%s', (_name, text, expected) => {
    expect(JSON.parse(withDevDependency(text, 'typescript', '^5.9.3') ?? 'null')).toEqual(expected);
  });

  it.each([
    ['in devDependencies', '{"devDependencies":{"typescript":"~5.4"}}'],
    ['in dependencies', '{"dependencies":{"typescript":"^5"}}'],
  ])('leaves a project that has it %s alone', (_name, text) => {
    expect(withDevDependency(text, 'typescript', '^5.9.3')).toBeUndefined();
  });

  it("keeps the file's indentation", () => {
    expect(withDevDependency('{\n    "name": "p"\n}\n', 'typescript', '^5.9.3')).toBe(
      '{\n    "name": "p",\n    "devDependencies": {\n        "typescript": "^5.9.3"\n    }\n}\n',
    );
  });
});
