import { type Problem, problem } from '../config/problems.js';

/**
 * A native addon compiled for another Node.js (the user switched versions after `npm install`) fails to load with
 * Node's multi-line ERR_DLOPEN_FAILED text and a stack. This turns it into the one problem that says what fixes it;
 * anything else is not ours to explain and is left as it is (undefined).
 */
export function addonMismatchProblem(err: unknown, addon: string, nodeVersion: string): Problem | undefined {
  const { code, message } = (err ?? {}) as { code?: unknown; message?: unknown };
  if (code !== 'ERR_DLOPEN_FAILED' || typeof message !== 'string') return undefined;
  const versions = /NODE_MODULE_VERSION (\d+)\.[\s\S]*NODE_MODULE_VERSION (\d+)/.exec(message);
  if (versions === null) return undefined;
  return problem(
    addon,
    `compiled for another Node.js (ABI ${versions[1]}; this is Node ${nodeVersion}, ABI ${versions[2]})`,
    `run npm rebuild ${addon} with the Node.js you run the prober with`,
  );
}
