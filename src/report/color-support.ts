/**
 * Whether to colour output, by the conventions CI systems and terminals share (and in Node's own order):
 * `FORCE_COLOR` set to anything but `0`/`false` forces colour even in a CI log, `FORCE_COLOR=0` turns it off;
 * otherwise a non-empty `NO_COLOR` turns it off (an empty one does not, as no-color.org says), and so does
 * `TERM=dumb`; otherwise colour only on a terminal.
 */
export function colorEnabled(isTTY: boolean, env: NodeJS.ProcessEnv): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return !['0', 'false'].includes(force.toLowerCase());
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.TERM === 'dumb') return false;
  return isTTY;
}
